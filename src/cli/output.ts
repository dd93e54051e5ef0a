/** One JSON document per line on stdout: what `--json` promises scripts. */
export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
