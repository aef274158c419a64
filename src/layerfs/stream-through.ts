// Feeding a whole file on disk through a streaming inspector, for inspectors that cannot read only what they need.
import type { FileInspector, RandomAccessFile } from './types.ts';

/** Bytes per write. */
const STREAM_CHUNK = 1 << 20;

/** Write the whole of `file` through `inspector`, 1 MiB at a time, and return its result. */
export async function streamThrough(file: RandomAccessFile, inspector: Pick<FileInspector, 'write' | 'end'>): Promise<unknown> {
  for (let at = 0; at < file.size; ) {
    const chunk = await file.read(at, Math.min(STREAM_CHUNK, file.size - at));
    if (chunk.length === 0) break;
    inspector.write(chunk);
    at += chunk.length;
  }
  return inspector.end();
}
