// `npm run bench -- secrets [--runs N] [IMAGE]`: what secret scanning adds to an SBOM. Times analyzeImage with the
// catalogers alone (the work of `sextant sbom`), with catalogers and secret scanning, and with secret scanning alone
// (the work of `sextant secrets`), each in a fresh process, runs interleaved, median of N (default 5).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const self = fileURLToPath(import.meta.url);
const defaultImage = `oci-dir://${join(root, 'bench/.cache/debian-large/oci')}`;

type Mode = 'sbom' | 'sbom+secrets' | 'secrets';
const MODES: Mode[] = ['sbom', 'sbom+secrets', 'secrets'];

interface Sample {
  seconds: number;
  maxRssMb: number;
  findings: number;
}

/** Entry point for `npm run bench -- secrets`. */
export async function secretsBench(args: string[]): Promise<void> {
  let runs = 5;
  let reference = defaultImage;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs') runs = Number(args[++i]);
    else reference = args[i] ?? reference;
  }
  if (reference === defaultImage && !existsSync(join(root, 'bench/.cache/debian-large/oci'))) {
    throw new Error('bench/.cache/debian-large/oci is missing: run `npm run bench -- inspect` once to build it');
  }
  process.stdout.write(`image ${reference}\nmedian of ${runs} runs, each a fresh process, modes interleaved\n\n`);
  const samples = new Map<Mode, Sample[]>(MODES.map((m) => [m, []]));
  for (let r = 0; r < runs; r++) for (const mode of MODES) samples.get(mode)?.push(runChild(mode, reference));
  const med = (mode: Mode): Sample => {
    const sorted = [...(samples.get(mode) ?? [])].sort((a, b) => a.seconds - b.seconds);
    return sorted[Math.floor(sorted.length / 2)] as Sample;
  };
  const sbom = med('sbom').seconds;
  process.stdout.write(`${'analyzeImage with'.padEnd(34)}${'seconds'.padStart(9)}${'peak RSS'.padStart(11)}${'vs sbom'.padStart(10)}${'findings'.padStart(10)}\n`);
  for (const mode of MODES) {
    const s = med(mode);
    const vs = `${s.seconds >= sbom ? '+' : ''}${(((s.seconds - sbom) / sbom) * 100).toFixed(0)}%`;
    process.stdout.write(`${mode.padEnd(34)}${s.seconds.toFixed(2).padStart(9)}${`${s.maxRssMb.toFixed(0)} MB`.padStart(11)}${vs.padStart(10)}${String(s.findings).padStart(10)}\n`);
  }
  const overhead = (med('sbom+secrets').seconds - sbom) / sbom;
  process.stdout.write(`\nsecret scanning adds ${(overhead * 100).toFixed(0)}% to the SBOM time (goal: at most 30%)\n`);
}

/** Time one analysis in a fresh process (start-up excluded: the child times analyzeImage itself). */
function runChild(mode: Mode, reference: string): Sample {
  const r = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', self, '--child', mode, reference], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`bench child (${mode}) failed: ${r.stderr.split('\n')[0]}`);
  return JSON.parse(r.stdout) as Sample;
}

/** The child: one analysis, its wall time, peak RSS and number of secrets found, as JSON on stdout. */
async function child(mode: Mode, reference: string): Promise<void> {
  const { analyzeImage } = await import('../src/analyze/analyze.ts');
  const { defaultCatalogers } = await import('../src/catalog/registry.ts');
  const start = performance.now();
  const analysis = await analyzeImage(reference, {
    platform: null,
    catalogers: mode === 'secrets' ? [] : defaultCatalogers(),
    secrets: mode !== 'sbom',
  });
  const seconds = (performance.now() - start) / 1000;
  const sample: Sample = { seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, findings: analysis.secrets.length };
  process.stdout.write(JSON.stringify(sample));
}

if (process.argv[2] === '--child') await child(process.argv[3] as Mode, process.argv[4] ?? defaultImage);
