// Compressed archives (`docker save … | gzip`) inflated once into a private temporary file, so they can be
// read in place like any other archive. The file is named by Sextant, never by the archive, and removed on close.
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SextantError } from '../../../core/errors.ts';
import { createInflater, type Compression } from '../../../layerfs/inflate.ts';
import type { WalkLimits } from '../../../layerfs/types.ts';

/** A decompressed copy of an archive, and how to remove it. */
export interface Spooled {
  path: string;
  remove(): Promise<void>;
}

/**
 * Inflate the archive at `path` into a temporary file. The layer limits apply to the whole archive: it may
 * not expand beyond `maxLayerBytes`, nor past `maxCompressionRatio` once `ratioGraceBytes` have come out.
 */
export async function spoolDecompressed(path: string, kind: Exclude<Compression, 'none'>, limits: WalkLimits): Promise<Spooled> {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-archive-'));
  // If the process dies before close(), the copy must not outlive it.
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', cleanup);
  const remove = async () => {
    process.off('exit', cleanup);
    await rm(dir, { recursive: true, force: true });
  };
  const target = join(dir, 'archive.tar');
  try {
    await inflateInto(path, target, kind, limits);
  } catch (err) {
    await remove();
    throw err;
  }
  return { path: target, remove };
}

function inflateInto(path: string, target: string, kind: 'gzip' | 'zstd', limits: WalkLimits): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const source = createReadStream(path, { highWaterMark: 1 << 20 });
    const out = createWriteStream(target);
    let inBytes = 0;
    let outBytes = 0;
    let settled = false;
    const fail = (err: SextantError) => {
      if (settled) return;
      settled = true;
      source.destroy();
      inflater.destroy();
      out.destroy();
      reject(err);
    };
    const inflater = createInflater(kind, {
      data(chunk) {
        outBytes += chunk.length;
        if (outBytes > limits.maxLayerBytes) {
          fail(new SextantError('LIMIT_EXCEEDED', `${path}: expands beyond the size limit of ${limits.maxLayerBytes} bytes (SEXTANT_MAX_LAYER_BYTES)`));
        } else if (outBytes > limits.ratioGraceBytes && outBytes > limits.maxCompressionRatio * inBytes) {
          fail(new SextantError('LIMIT_EXCEEDED', `${path}: expands more than the compression ratio limit of ${limits.maxCompressionRatio}× (SEXTANT_MAX_COMPRESSION_RATIO), a decompression bomb?`));
        } else if (!out.write(chunk)) {
          inflater.pause();
          out.once('drain', () => inflater.resume());
        }
      },
      drain: () => source.resume(),
      end: () => out.end(),
      error: (err) => {
        const truncated = (err as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' || /unexpected end/i.test(err.message);
        fail(new SextantError('CORRUPT', `${path}: ${truncated ? 'truncated' : 'corrupt'} ${kind} stream`, { cause: err }));
      },
    });
    source.on('data', (chunk: string | Buffer) => {
      const bytes = chunk as Buffer; // no encoding is set, so chunks are Buffers
      inBytes += bytes.length;
      if (!inflater.write(bytes)) source.pause();
    });
    source.on('end', () => inflater.end());
    source.on('error', (err) => fail(new SextantError('NOT_FOUND', `${path}: ${err.message}`, { cause: err })));
    out.on('error', (err) => fail(new SextantError('LIMIT_EXCEEDED', `cannot write the decompressed copy of ${path} in ${tmpdir()}: ${err.message}`, { cause: err })));
    out.on('finish', () => {
      if (settled) return;
      settled = true;
      resolve();
    });
  });
}
