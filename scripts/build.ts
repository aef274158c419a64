// `npm run build`: bundles the CLI into dist/cli (main.js plus lazily loaded chunks) with rolldown.
// One bundle loads several times faster than ~150 separate modules and their dependencies' own files, which is
// most of a warm run's time. Type checking is not done here: `npm run lint` runs tsc.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${root}dist/cli`;

rmSync(outDir, { recursive: true, force: true });
await build({
  input: `${root}src/cli/main.ts`,
  platform: 'node',
  logLevel: 'warn',
  output: {
    dir: outDir,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    sourcemap: true,
  },
});
