// `npm run bench -- match [--runs N] [--skip-import]`: the advisory database at OSV scale. Generates (once) a
// 300,000-advisory synthetic OSV dump under bench/.cache/osv-synthetic, then measures
//   1. `sextant db import` of the whole dump into a fresh SQLite store: wall time and peak RSS (goal ≤ 60 s, ≤ 300 MB);
//   2. the store's size on disk (goal < 1 GB);
//   3. matching a 2,000-component SBOM against it once the store is open (goal ≤ 100 ms): first run and median.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OsRelease } from '../src/core/model.ts';
import type { Package } from '../src/core/package.ts';
import { AdvisoryStore } from '../src/advisory/store/advisory-store.ts';
import { matchPackages } from '../src/match/matcher.ts';
import { measureCommand } from './measure.ts';
import { ensureSyntheticOsv, SYNTHETIC_COUNTS, syntheticName } from './osv-synthetic.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(root, 'bench/.cache');

/** The SBOM's make-up: a Debian 12 image with an application on top. */
const SBOM_MIX: [type: Package['type'], ecosystem: string, count: number][] = [
  ['deb', 'Debian', 500],
  ['npm', 'npm', 900],
  ['pypi', 'PyPI', 200],
  ['maven', 'Maven', 250],
  ['golang', 'Go', 150],
];

/** Entry point for `npm run bench -- match`. */
export async function matchBench(args: string[]): Promise<void> {
  const runs = Number(args[args.indexOf('--runs') + 1] ?? 10) || 10;
  const dumpDir = join(cache, 'osv-synthetic');
  const total = Object.values(SYNTHETIC_COUNTS).reduce((a, b) => a + b, 0);
  if (!existsSync(join(dumpDir, '.complete'))) process.stderr.write(`generating a ${total}-advisory OSV dump in ${dumpDir} (once)…\n`);
  ensureSyntheticOsv(dumpDir, join(root, '../shared/vectors/osv'));

  const dbDir = join(cache, 'match-db');
  const dbFile = join(dbDir, 'advisories.sqlite');
  if (!args.includes('--skip-import') || !existsSync(dbFile)) {
    rmSync(dbDir, { recursive: true, force: true });
    mkdirSync(dbDir, { recursive: true });
    const imported = measureCommand(join(root, 'bin/sextant'), ['db', 'import', dumpDir, '--database', dbFile, '-q']);
    const size = ['', '-wal', '-shm'].map((s) => (existsSync(dbFile + s) ? statSync(dbFile + s).size : 0)).reduce((a, b) => a + b, 0);
    process.stdout.write(`db import of ${total} advisories: ${imported.seconds.toFixed(1)} s, peak RSS ${imported.maxRssMb.toFixed(0)} MB (goals ≤ 60 s, ≤ 300 MB)\n`);
    process.stdout.write(`store on disk: ${(size / 1e6).toFixed(0)} MB (goal < 1,000 MB)\n`);
  }

  const store = await AdvisoryStore.open({ url: dbFile });
  try {
    const { digest, advisories } = await store.summary();
    const packages = syntheticSbom();
    const distro: OsRelease = { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', name: 'Debian GNU/Linux', versionCodename: 'bookworm', idLike: [], path: '/etc/os-release' };
    const times: number[] = [];
    let findings = 0;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const result = await matchPackages(packages, distro, store, digest);
      times.push(performance.now() - start);
      findings = result.findings.length;
    }
    const first = times[0] ?? NaN;
    const sorted = [...times].sort((a, b) => a - b);
    const med = sorted[Math.floor(sorted.length / 2)] ?? NaN;
    process.stdout.write(
      `match ${packages.length} components against ${advisories} advisories: first ${first.toFixed(0)} ms, median of ${runs} ${med.toFixed(0)} ms, ${findings} findings (goal ≤ 100 ms)\n`,
    );
  } finally {
    await store.close();
  }
}

/** 2,000 packages, a quarter of the language ones and all the Debian ones named from the dump's pools, at versions some advisories cover and some fix. */
function syntheticSbom(): Package[] {
  const packages: Package[] = [];
  for (const [type, ecosystem, count] of SBOM_MIX) {
    for (let i = 0; i < count; i++) {
      // Every Debian source package has advisories (as in a real image); one language package in four does, the
      // rest are names no advisory mentions.
      const full = type === 'deb' || i % 4 === 0 ? syntheticName(ecosystem, i * 7) : `${syntheticName(ecosystem, i * 7)}-clean`;
      const slash = type === 'maven' ? full.indexOf(':') : type === 'deb' ? -1 : full.lastIndexOf('/');
      const namespace = slash > 0 ? full.slice(0, slash) : null;
      const name = slash > 0 ? full.slice(slash + 1) : full;
      const version = type === 'deb' ? `${1 + (i % 9)}.${i % 17}.0-1` : type === 'golang' ? `v${1 + (i % 9)}.${i % 17}.0` : `${1 + (i % 9)}.${i % 17}.0`;
      packages.push({
        type,
        namespace,
        name: type === 'deb' ? `lib${name}` : name,
        version,
        purl: `pkg:${type}/${namespace ? `${namespace}/` : ''}${name}@${version}`,
        authors: [],
        description: null,
        licenses: 'NOASSERTION',
        size: null,
        locations: [{ path: `/usr/lib/${name}`, layerDigest: 'sha256:0' }],
        direct: null,
        dependsOn: [],
        source: type === 'deb' ? { name, version } : null,
        arch: null,
        foundBy: 'bench',
        metadata: {},
      });
    }
  }
  return packages;
}
