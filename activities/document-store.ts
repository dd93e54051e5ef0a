// The file system as the batch activities see it: injected, so tests and
// benchmarks can point it anywhere (or wrap it to count and fail reads).
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

export interface DocumentStore {
  readFile(path: string): Promise<Buffer>;
  readRange(path: string, offset: number, length: number): Promise<Buffer>;
  /** Files under `dir`, as paths relative to it with `/` separators, sorted. */
  listFiles(dir: string, recursive: boolean): Promise<string[]>;
  /** Replaces the file in one step (write aside, then rename), so a crash never leaves half a file. */
  writeFileAtomic(path: string, data: string): Promise<void>;
}

export function createFsDocumentStore(): DocumentStore {
  return {
    readFile: (path) => readFile(path),
    async readRange(path, offset, length) {
      const handle = await open(path, 'r');
      try {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    async listFiles(dir, recursive) {
      const entries = await readdir(dir, { withFileTypes: true, recursive });
      return entries
        .filter((e) => e.isFile())
        .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
        .sort();
    },
    async writeFileAtomic(path, data) {
      await mkdir(dirname(path), { recursive: true });
      const aside = `${path}.${randomUUID()}.tmp`;
      await writeFile(aside, data);
      await rename(aside, path);
    },
  };
}
