// The local file system as a document store.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { DocumentStore, DocumentWriter } from '../document-store';

/** Written aside, renamed into place on close: a reader sees the old file or the whole new one. */
async function createFileWriter(path: string): Promise<DocumentWriter> {
  await mkdir(dirname(path), { recursive: true });
  const aside = `${path}.${randomUUID()}.tmp`;
  const stream = createWriteStream(aside);
  let failure: Error | undefined;
  stream.on('error', (err) => {
    failure ??= err;
  });
  await once(stream, 'open');
  return {
    async write(chunk) {
      if (failure) throw failure;
      // `once` rejects if the stream fails instead of draining.
      if (!stream.write(chunk)) await once(stream, 'drain');
      if (failure) throw failure;
    },
    async close() {
      if (failure) throw failure;
      stream.end();
      await once(stream, 'close');
      if (failure) throw failure;
      await rename(aside, path);
    },
    async abort() {
      stream.destroy();
      await rm(aside, { force: true });
    },
  };
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
    async *readStream(path, offset = 0) {
      for await (const chunk of createReadStream(path, { start: offset })) yield chunk as Buffer;
    },
    async *list(dir, { recursive, after }) {
      // A directory listing comes whole from the kernel; only the order and the start are ours.
      const entries = await readdir(dir, { withFileTypes: true, recursive });
      const names = entries
        .filter((e) => e.isFile())
        .map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'))
        .sort();
      for (const name of names) if (after === undefined || name > after) yield name;
    },
    async writeFileAtomic(path, data) {
      await mkdir(dirname(path), { recursive: true });
      const aside = `${path}.${randomUUID()}.tmp`;
      try {
        await writeFile(aside, data);
        await rename(aside, path);
      } catch (err) {
        await rm(aside, { force: true });
        throw err;
      }
    },
    createWriter: (path) => createFileWriter(path),
    removeAll: (dir) => rm(dir, { recursive: true, force: true }),
  };
}
