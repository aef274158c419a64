// Baseline for the inspect benchmark: gunzip every given file at once with node:zlib, discarding the output.
// `--chunk N` sets zlib's output chunk size (default 16 KiB; 1 MiB is the fastest setting here).
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const args = process.argv.slice(2);
const chunkAt = args.indexOf('--chunk');
const chunkSize = chunkAt >= 0 ? Number(args.splice(chunkAt, 2)[1]) : undefined;
await Promise.all(
  args.map((path) =>
    pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), createGunzip(chunkSize ? { chunkSize } : {}), new Writable({ write: (_c, _e, cb) => cb() })),
  ),
);
