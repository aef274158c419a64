// `npm run bench -- inspect [--runs N] [oci-dir://…|archive://…]`: walk every layer of a large image with
// Sextant and compare MB/s and peak RSS with two baselines on the same layer blobs: parallel node:zlib
// gunzip (the practical limit on this machine) and `tar -xzOf` one layer after another.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureCommand, median, type Sample } from './measure.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const defaultImage = join(root, 'bench/.cache/debian-large');
const buildScript = join(root, '../shared/scripts/build-debian-image.sh');
const PACKAGES = 'python3 perl gcc g++ make git curl';

/** Entry point for `npm run bench -- inspect`. */
export async function inspectBench(args: string[]): Promise<void> {
  let runs = 5;
  let reference: string | null = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs') runs = Number(args[++i]);
    else reference = args[i] ?? null;
  }
  if (!reference) {
    if (!existsSync(join(defaultImage, '.done'))) {
      process.stderr.write(`building the benchmark image (Debian bookworm + ${PACKAGES}) with ${buildScript} …\n`);
      const r = spawnSync('bash', [buildScript, defaultImage, '--packages', PACKAGES], { stdio: 'inherit' });
      if (r.status !== 0) throw new Error('could not build the benchmark image');
    }
    reference = `oci-dir://${join(defaultImage, 'oci')}`;
  }
  process.stderr.write('building dist/ …\n');
  if (spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' }).status !== 0) throw new Error('npm run build failed');
  const layers = layerFiles(reference);
  const compressed = layers.reduce((n, l) => n + l.size, 0);
  const uncompressed = layers.reduce((n, l) => n + l.uncompressed, 0);
  process.stdout.write(
    `image ${reference}\n${layers.length} layers, ${mb(compressed)} MB stored, ${mb(uncompressed)} MB uncompressed; median of ${runs} runs\n\n`,
  );

  // Every row is a whole process timed from outside (GNU time), start-up included, so the rows compare alike.
  const child = (script: string, extra: string[]) => () => measureCommand(process.execPath, [join(root, 'bench', script), ...extra]);
  const rows: [string, Sample][] = [
    // The CLI as users run it (bin/sextant → dist/), start-up included, output discarded; every layer read
    // (--no-cache), since the walk is what is measured.
    ['sextant inspect (bin/sextant, whole run)', median(runs, () => measureCommand('sh', ['-c', `'${join(root, 'bin/sextant')}' inspect '${reference}' --format json -q --no-cache > /dev/null`]))],
    ['node:zlib gunzip ×N parallel, 1 MiB chunks', median(runs, child('gunzip-child.ts', ['--chunk', String(1 << 20), ...layers.map((l) => l.path)]))],
    ['node:zlib gunzip ×N parallel, default chunks', median(runs, child('gunzip-child.ts', layers.map((l) => l.path)))],
    ['tar -xzOf, one layer after another', median(runs, () => measureCommand('bash', ['-c', layers.map((l) => `tar -xzOf '${l.path}' > /dev/null`).join(' && ')]))],
  ];
  // The fastest gunzip is the practical limit the goal is measured against.
  const gunzip = rows[1]?.[1].seconds ?? 1;
  process.stdout.write(`${'what'.padEnd(44)}${'seconds'.padStart(9)}${'MB/s'.padStart(9)}${'peak RSS'.padStart(11)}${'vs gunzip'.padStart(11)}\n`);
  for (const [name, s] of rows) {
    process.stdout.write(
      `${name.padEnd(44)}${s.seconds.toFixed(2).padStart(9)}${(uncompressed / 1e6 / s.seconds).toFixed(0).padStart(9)}${`${s.maxRssMb.toFixed(0)} MB`.padStart(11)}${`${((gunzip / s.seconds) * 100).toFixed(0)}%`.padStart(11)}\n`,
    );
  }
  process.stdout.write('\nMB/s counts uncompressed bytes. Goal: sextant ≥ 80% of the parallel gunzip throughput, peak RSS < 150 MB.\n');
}

/** The layer blobs of an OCI layout, with their uncompressed sizes (counted once with gunzip). */
function layerFiles(reference: string): { path: string; size: number; uncompressed: number }[] {
  const m = /^oci-dir:\/\/(.*)$/.exec(reference);
  if (!m?.[1]) throw new Error('the inspect benchmark reads an oci-dir:// layout (its baselines need the layer files)');
  const dir = m[1];
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const blob = (digest: string) => join(dir, 'blobs', ...digest.split(':'));
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0]?.digest ?? ''), 'utf8')) as { layers: { digest: string; size: number }[] };
  return manifest.layers.map((l) => {
    const out = spawnSync('bash', ['-c', `gzip -dc '${blob(l.digest)}' | wc -c`], { encoding: 'utf8' });
    return { path: blob(l.digest), size: l.size, uncompressed: Number(out.stdout.trim()) };
  });
}



function mb(n: number): string {
  return (n / 1e6).toFixed(0);
}
