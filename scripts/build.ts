// `npm run build`: bundles the CLI into dist/cli (main.js plus lazily loaded chunks) with rolldown, and the
// dashboard (web/) into dist/web with Vite.
// One bundle loads several times faster than ~150 separate modules and their dependencies' own files, which is
// most of a warm run's time. The default catalogers' signature is computed here from the same registry and built
// in, so a cached analysis is found without loading any cataloger. Type checking is `npm run lint`'s (tsc).
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';
import { build as buildWeb } from 'vite';
import { defaultCatalogers } from '../src/catalog/registry.ts';
import { catalogSignature } from '../src/catalog/signature.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = `${root}dist/cli`;

rmSync(outDir, { recursive: true, force: true });
await build({
  input: `${root}src/cli/main.ts`,
  platform: 'node',
  logLevel: 'warn',
  transform: { define: { __SEXTANT_DEFAULT_CATALOG_SIGNATURE__: JSON.stringify(catalogSignature(defaultCatalogers())) } },
  output: {
    dir: outDir,
    format: 'esm',
    entryFileNames: '[name].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    sourcemap: true,
  },
});

// The dashboard: its own Vite config (web/vite.config.ts) writes dist/web, which `sextant server` serves at `/`.
await buildWeb({ configFile: `${root}web/vite.config.ts`, logLevel: 'warn' });
