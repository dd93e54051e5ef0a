import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { locateTemporalCli, parseGoVersion, TemporalCliNotFoundError } from '../../../src/dev-server';
import { quiet, scratchRoot, script, standInGo } from '../../support/stand-in-binaries';

// The lookup chain is exercised with tiny shell scripts standing in for the
// binaries, so every branch runs in milliseconds without a real build.
const scratch = scratchRoot('tlr-cli-locate-');
const fakeTemporal = (dir: string) => script(dir, 'temporal', 'echo "temporal version 9.9.9 (Server 1.0.0, UI 2.0.0)"');

test('TEMPORAL_CLI_PATH wins when it points at an executable', async () => {
  const path = fakeTemporal(join(scratch.path, 'explicit'));
  fakeTemporal(join(scratch.path, 'bin'));
  const found = await locateTemporalCli({ env: { TEMPORAL_CLI_PATH: path, PATH: join(scratch.path, 'bin') }, cacheDir: join(scratch.path, 'cache'), log: quiet });
  expect(found).toEqual({ path, source: 'TEMPORAL_CLI_PATH' });
});

test('a wrong TEMPORAL_CLI_PATH is an error that names it, not silently skipped', async () => {
  const missing = join(scratch.path, 'nope', 'temporal');
  await expect(locateTemporalCli({ env: { TEMPORAL_CLI_PATH: missing, PATH: '' }, cacheDir: join(scratch.path, 'cache'), log: quiet }))
    .rejects.toThrow(`TEMPORAL_CLI_PATH=${missing}: no such file`);
});

test('`temporal` on PATH is used next', async () => {
  const path = fakeTemporal(join(scratch.path, 'bin'));
  const found = await locateTemporalCli({ env: { PATH: join(scratch.path, 'bin') }, cacheDir: join(scratch.path, 'cache'), log: quiet });
  expect(found).toEqual({ path, source: 'PATH' });
});

test('a `temporal` on PATH that is not the Temporal CLI is passed over for the cache', async () => {
  script(join(scratch.path, 'bin'), 'temporal', 'echo "some other tool"');
  const cached = fakeTemporal(join(scratch.path, 'cache'));
  const found = await locateTemporalCli({ env: { PATH: join(scratch.path, 'bin') }, cacheDir: join(scratch.path, 'cache'), log: quiet });
  expect(found).toEqual({ path: cached, source: 'cache' });
});

test('builds with `go install` into the cache when nothing is found', async () => {
  // A stand-in `go` that reports a new enough version and "installs" a binary into $GOBIN.
  const bin = join(scratch.path, 'bin');
  standInGo(bin, '1.26.0', [
    'if [ "$1" = install ] && [ "$2" = "github.com/temporalio/cli/cmd/temporal@v1.5.1" ]; then',
    '  printf \'#!/bin/sh\\necho "temporal version built"\\n\' > "$GOBIN/temporal"; chmod +x "$GOBIN/temporal"; exit 0',
    'fi',
  ]);
  const lines: string[] = [];
  const cacheDir = join(scratch.path, 'cache');
  const env = { PATH: [bin, '/usr/bin', '/bin'].join(':') }; // the stand-in needs chmod
  const found = await locateTemporalCli({ env, cacheDir, log: (l) => lines.push(l) });
  expect(found).toEqual({ path: join(cacheDir, 'temporal'), source: 'go-build' });
  expect(existsSync(join(cacheDir, 'temporal'))).toBe(true);
  expect(lines.join('\n')).toContain('Building the Temporal CLI v1.5.1');
  // The second lookup reuses the cache instead of building again.
  const again = await locateTemporalCli({ env, cacheDir, log: quiet });
  expect(again.source).toBe('cache');
});

test('an old Go is reported with the version it needs, along with every step tried', async () => {
  const bin = join(scratch.path, 'bin');
  script(bin, 'go', 'echo "go version go1.21.3 linux/amd64"');
  const err = await locateTemporalCli({ env: { PATH: bin }, cacheDir: join(scratch.path, 'cache'), log: quiet }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TemporalCliNotFoundError);
  const { message, attempts } = err as TemporalCliNotFoundError;
  expect(attempts).toHaveLength(4);
  expect(message).toContain('TEMPORAL_CLI_PATH: not set');
  expect(message).toContain('PATH: no `temporal` executable');
  expect(message).toContain('does not exist');
  expect(message).toContain('Go 1.21 is too old');
  expect(message).toContain('go install github.com/temporalio/cli/cmd/temporal@v1.5.1');
});

test('a failing go install is reported with its output', async () => {
  const bin = join(scratch.path, 'bin');
  script(bin, 'go', 'if [ "$1" = version ]; then echo "go version go1.26.0 linux/amd64"; exit 0; fi\necho "dial tcp: lookup proxy.golang.org: no such host" >&2; exit 1');
  await expect(locateTemporalCli({ env: { PATH: bin }, cacheDir: join(scratch.path, 'cache'), log: quiet }))
    .rejects.toThrow(/go install failed: .*no such host/);
});

test('without go and with building disabled, the error says how to fix it', async () => {
  await expect(locateTemporalCli({ env: { PATH: '' }, cacheDir: join(scratch.path, 'cache'), build: false, log: quiet }))
    .rejects.toThrow(/set TEMPORAL_CLI_PATH/);
});

test.each([
  ['go version go1.26.8 linux/amd64', [1, 26]],
  ['go version go1.25 darwin/arm64', [1, 25]],
  ['nothing here', undefined],
])('parseGoVersion(%j)', (output, expected) => {
  expect(parseGoVersion(output)).toEqual(expected);
});
