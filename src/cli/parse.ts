import { InvalidArgumentError } from 'commander';

/** commander argument parser for a TCP port, with an error that names the bad value. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`"${value}" is not a TCP port (1-65535).`);
  }
  return port;
}

/** commander argument parser for a positive integer option, naming the option in its error. */
export function parsePositiveInt(option: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError(`${option} "${value}" is not a positive integer.`);
    return n;
  };
}
