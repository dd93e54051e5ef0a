import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSeaweedFsCacheDir, locateSeaweedFs, SEAWEEDFS_VERSION, SeaweedFsNotFoundError } from '../../../src/dev-server';
import { quiet, scratchRoot, script, standInGo } from '../../support/stand-in-binaries';

// The SeaweedFS lookup shares the Temporal CLI's chain (env var, PATH, cache,
// Go build); here with shell scripts standing in for go and weed, so every
// branch runs in milliseconds. (The real build is run by .ci/run once per machine.)
const scratch = scratchRoot('tlr-weed-locate-');
const fakeWeed = (dir: string) => script(dir, 'weed', 'echo "version 30GB 4.53  linux amd64"');

test('SEAWEEDFS_PATH, then PATH, then the cache, which TEMPORAL_LLM_ROUTER_CACHE moves', async () => {
  const explicit = fakeWeed(join(scratch.path, 'explicit'));
  const onPath = fakeWeed(join(scratch.path, 'bin'));
  const cacheRoot = join(scratch.path, 'cache-root');
  const cached = fakeWeed(join(cacheRoot, `seaweedfs-${SEAWEEDFS_VERSION}`));
  expect(defaultSeaweedFsCacheDir({ TEMPORAL_LLM_ROUTER_CACHE: cacheRoot })).toBe(join(cacheRoot, `seaweedfs-${SEAWEEDFS_VERSION}`));
  expect(await locateSeaweedFs({ env: { SEAWEEDFS_PATH: explicit, PATH: join(scratch.path, 'bin') }, log: quiet })).toEqual({ path: explicit, source: 'SEAWEEDFS_PATH' });
  expect(await locateSeaweedFs({ env: { PATH: join(scratch.path, 'bin'), TEMPORAL_LLM_ROUTER_CACHE: cacheRoot }, log: quiet })).toEqual({ path: onPath, source: 'PATH' });
  expect(await locateSeaweedFs({ env: { PATH: '', TEMPORAL_LLM_ROUTER_CACHE: cacheRoot }, log: quiet })).toEqual({ path: cached, source: 'cache' });
  await expect(locateSeaweedFs({ env: { SEAWEEDFS_PATH: join(scratch.path, 'nope'), PATH: '' }, log: quiet })).rejects.toThrow(`SEAWEEDFS_PATH=${join(scratch.path, 'nope')}: no such file`);
});

test('builds with go mod download and go build in a writable copy of the module, into the cache', async () => {
  // The downloaded module is read-only, as in Go's module cache.
  const moduleDir = join(scratch.path, 'modcache', 'seaweedfs');
  mkdirSync(join(moduleDir, 'weed'), { recursive: true });
  writeFileSync(join(moduleDir, 'go.mod'), 'module github.com/seaweedfs/seaweedfs\n');
  chmodSync(join(moduleDir, 'go.mod'), 0o444);
  chmodSync(join(moduleDir, 'weed'), 0o555);
  const bin = join(scratch.path, 'bin');
  standInGo(bin, '1.26.8', [
    `if [ "$1 $2 $3 $4" = "mod download -json github.com/seaweedfs/seaweedfs@${SEAWEEDFS_VERSION}" ]; then echo '{"Dir": "${moduleDir}"}'; exit 0; fi`,
    // The build must run in a copy it may write to, not in the module cache.
    'if [ "$1" = build ] && [ "$2" = -o ] && [ "$4" = ./weed ]; then',
    `  [ "$(pwd)" = "${moduleDir}" ] && { echo "built in the module cache" >&2; exit 7; }`,
    '  touch go.sum || exit 8',
    '  printf \'#!/bin/sh\\necho "version 30GB 4.53  linux amd64"\\n\' > "$3"; chmod +x "$3"; exit 0',
    'fi',
  ]);
  const lines: string[] = [];
  const cacheRoot = join(scratch.path, 'cache-root');
  const env = { PATH: [bin, '/usr/bin', '/bin'].join(':'), TEMPORAL_LLM_ROUTER_CACHE: cacheRoot };
  const found = await locateSeaweedFs({ env, log: (l) => lines.push(l) });
  const target = join(cacheRoot, `seaweedfs-${SEAWEEDFS_VERSION}`, 'weed');
  expect(found).toEqual({ path: target, source: 'go-build' });
  expect(existsSync(target)).toBe(true);
  expect(lines.join('\n')).toMatch(/Building SeaweedFS .* from its Go module[\s\S]*Built SeaweedFS .* in [\d.]+ s/);
  // No staging folder is left in the cache.
  expect(readdirSync(join(cacheRoot, `seaweedfs-${SEAWEEDFS_VERSION}`))).toEqual(['weed']);
  expect((await locateSeaweedFs({ env, log: quiet })).source).toBe('cache');
});

test('a failed build names every step and how to fix it', async () => {
  const bin = join(scratch.path, 'bin');
  script(bin, 'go', 'if [ "$1" = version ]; then echo "go version go1.26.8 linux/amd64"; exit 0; fi\necho "verifying module: checksum mismatch" >&2; exit 1');
  const err = await locateSeaweedFs({ env: { PATH: bin, TEMPORAL_LLM_ROUTER_CACHE: join(scratch.path, 'c') }, log: quiet }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SeaweedFsNotFoundError);
  const { message, attempts } = err as SeaweedFsNotFoundError;
  expect(attempts).toEqual([
    'SEAWEEDFS_PATH: not set',
    'PATH: no `weed` executable',
    `cache: ${join(scratch.path, 'c', `seaweedfs-${SEAWEEDFS_VERSION}`, 'weed')} does not exist`,
    'go build: go mod failed: verifying module: checksum mismatch',
  ]);
  expect(message).toContain('set SEAWEEDFS_PATH to a weed binary');
  const old = join(scratch.path, 'old');
  script(old, 'go', 'echo "go version go1.25.3 linux/amd64"');
  await expect(locateSeaweedFs({ env: { PATH: old, TEMPORAL_LLM_ROUTER_CACHE: join(scratch.path, 'c') }, log: quiet })).rejects.toThrow(/Go 1\.25 is too old; SeaweedFS .* needs Go >= 1\.26/);
});
