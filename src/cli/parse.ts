import { InvalidArgumentError } from 'commander';
import { BATCH_MODES, DOCUMENT_FORMATS, type BatchMode, type DocumentFormat } from '../../workflows/batch-types';
import { parseDuration } from '../temporal/schedules/duration';

function portParser(min: 0 | 1, range: string): (value: string) => number {
  return (value: string) => {
    const port = Number(value);
    if (!/^\d+$/.test(value) || port < min || port > 65535) throw new InvalidArgumentError(`"${value}" is not a TCP port (${range}).`);
    return port;
  };
}

/** commander argument parser for a TCP port, with an error that names the bad value. */
export const parsePort = portParser(1, '1-65535');

/** A port to listen on, or 0 for any free one (the chosen port is printed). */
export const parseListenPort = portParser(0, '0-65535, 0 for any free port');

/** commander parser for a repeatable option: each use adds one value. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** commander argument parser for a positive integer option, naming the option in its error. */
export function parsePositiveInt(option: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError(`${option} "${value}" is not a positive integer.`);
    return n;
  };
}

/** commander argument parser for a whole number that may be zero, naming the option in its error. */
export function parseNonNegativeInt(option: string): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${option} "${value}" is not a whole number (0 or more).`);
    return Number(value);
  };
}

/** commander parser for `--format`: one of the document formats the batch activities read. */
export function parseDocumentFormat(value: string): DocumentFormat {
  const format = DOCUMENT_FORMATS.find((f) => f === value.toLowerCase());
  if (format === undefined) throw new InvalidArgumentError(`"${value}" is not a document format (${DOCUMENT_FORMATS.join(', ')}).`);
  return format;
}

export function parseBatchMode(value: string): BatchMode {
  const mode = BATCH_MODES.find((m) => m === value.toLowerCase());
  if (mode === undefined) throw new InvalidArgumentError(`"${value}" is not a batch mode (${BATCH_MODES.join(', ')}).`);
  return mode;
}

/** commander parser for an amount of US dollars (`--max-cost 2.50`). */
export function parseUsd(option: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value.replace(/^\$/, ''));
    if (!/^\$?\d+(\.\d+)?$/.test(value) || !(n > 0)) throw new InvalidArgumentError(`${option} "${value}" is not a positive amount of US dollars (e.g. 2.50).`);
    return n;
  };
}

/** commander parser for a time limit: a duration ("30s", "2m", "1h") or a number of seconds, above zero; milliseconds out. */
export function parseTimeLimit(option: string): (value: string) => number {
  return (value: string) => {
    const parsed = parseDuration(/^\d+(\.\d+)?$/.test(value.trim()) ? `${value.trim()}s` : value);
    if ('problem' in parsed) throw new InvalidArgumentError(`${option} ${parsed.problem}.`);
    if (parsed.ms <= 0) throw new InvalidArgumentError(`${option} "${value}" must be more than zero.`);
    return parsed.ms;
  };
}
