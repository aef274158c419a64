// Baseline for the inspect benchmark: gunzip every given file at once with node:zlib, discarding the output.
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

const start = performance.now();
await Promise.all(
  process.argv.slice(2).map((path) =>
    pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), createGunzip(), new Writable({ write: (_c, _e, cb) => cb() })),
  ),
);
const seconds = (performance.now() - start) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
