// Bench data: a synthetic OSV dump of realistic shape and size, written as per-ecosystem `all.zip` files the way
// osv.dev publishes them. Language records are real advisories from ../shared/vectors/osv re-keyed to new ids and
// package names; distribution records (Debian, Ubuntu, Alpine, Red Hat) follow the shapes those feeds publish.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Zip, ZipDeflate } from 'fflate';
import { prng } from '../test/support/prng.ts';

/**
 * Records per ecosystem: 300,000 in all, weighted roughly as OSV's own dump is. Each stays under 65,536 entries,
 * the most a zip without ZIP64 (which fflate does not write) can hold.
 */
export const SYNTHETIC_COUNTS: Readonly<Record<string, number>> = {
  Debian: 62_000,
  Ubuntu: 60_000,
  Alpine: 25_000,
  'Red Hat': 20_000,
  npm: 45_000,
  PyPI: 25_000,
  Maven: 20_000,
  Go: 12_000,
  Packagist: 10_000,
  'crates.io': 7_000,
  RubyGems: 7_000,
  NuGet: 7_000,
};

/** Distinct package names per ecosystem: several advisories per package, as in the real feeds. */
const NAMES_PER_ECOSYSTEM = 8_000;

/** The name of the `index`th synthetic package of `ecosystem` (the SBOM side of the bench draws from the same pool). */
export function syntheticName(ecosystem: string, index: number): string {
  const n = index % NAMES_PER_ECOSYSTEM;
  switch (ecosystem) {
    case 'Maven':
      return `org.example${n % 97}:artifact-${n}`;
    case 'Go':
      return `github.com/example${n % 211}/module${n}`;
    case 'Packagist':
      return `vendor${n % 131}/package-${n}`;
    case 'npm':
      return n % 5 === 0 ? `@scope${n % 53}/pkg-${n}` : `pkg-${n}`;
    default:
      return `${ecosystem === 'Debian' || ecosystem === 'Ubuntu' ? 'src' : 'pkg'}-${n}`;
  }
}

/** Generate the dump under `dir` (one `<Ecosystem>/all.zip` each) unless it is there already. Returns the dir. */
export function ensureSyntheticOsv(dir: string, sharedOsv: string): string {
  const done = join(dir, '.complete');
  if (existsSync(done)) return dir;
  const templates = loadTemplates(sharedOsv);
  for (const [ecosystem, count] of Object.entries(SYNTHETIC_COUNTS)) {
    const target = join(dir, ecosystem);
    mkdirSync(target, { recursive: true });
    const random = prng(hash(ecosystem));
    writeZip(join(target, 'all.zip'), count, (i) => {
      const record = makeRecord(ecosystem, i, random, templates);
      return { name: `${record.id as string}.json`, json: JSON.stringify(record) };
    });
  }
  writeZip(done, 0, () => ({ name: '', json: '' }));
  return dir;
}

type Json = Record<string, unknown>;

function loadTemplates(sharedOsv: string): Record<string, Json[]> {
  const read = (eco: string) =>
    readdirSync(join(sharedOsv, eco))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(sharedOsv, eco, f), 'utf8')) as Json);
  return { npm: read('npm'), PyPI: read('PyPI'), Maven: read('Maven'), Go: read('Go') };
}

const DETAILS =
  'A flaw was found in the way the library parses crafted input. A remote attacker able to supply such input could cause a denial of service (excessive CPU or memory use) or, in some configurations, read memory beyond the end of a buffer. ';

function makeRecord(ecosystem: string, i: number, random: () => number, templates: Record<string, Json[]>): Json {
  const year = 2015 + (i % 11);
  const cve = `CVE-${year}-${String(100000 + i).padStart(6, '0')}`;
  const name = syntheticName(ecosystem, Math.floor(random() * NAMES_PER_ECOSYSTEM));
  const modified = new Date(Date.UTC(year, i % 12, 1 + (i % 28), i % 24)).toISOString();
  const fixed = `${1 + (i % 9)}.${i % 17}.${i % 5}`;
  switch (ecosystem) {
    case 'Debian':
      return {
        id: `DEBIAN-${cve}`,
        modified,
        upstream: [cve],
        details: DETAILS.repeat(1 + (i % 2)),
        affected: ['11', '12', '13'].map((release, r) => ({
          package: { ecosystem: `Debian:${release}`, name, purl: `pkg:deb/debian/${name}?arch=source` },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, ...(r < 2 || random() < 0.7 ? [{ fixed: `${fixed}-${1 + r}+deb${release}u1` }] : [])] }],
        })),
      };
    case 'Ubuntu': {
      const releases = ['20.04:LTS', '22.04:LTS', '24.04:LTS', 'Pro:18.04:LTS'];
      return {
        id: `UBUNTU-${cve}`,
        modified,
        published: modified,
        upstream: [cve],
        details: DETAILS,
        severity: [{ type: 'Ubuntu', score: ['low', 'medium', 'high'][i % 3] }],
        affected: releases.map((release, r) => ({
          package: { ecosystem: `Ubuntu:${release}`, name, purl: `pkg:deb/ubuntu/${name}` },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `${fixed}-${r}ubuntu0.${r + 1}` }] }],
          versions: Array.from({ length: 4 + (i % 12) }, (_, v) => `${fixed.split('.')[0]}.${v}-${r}ubuntu${v}`),
          ecosystem_specific: { binaries: [{ binary_name: `lib${name}`, binary_version: `${fixed}-${r}ubuntu0.${r + 1}` }] },
        })),
        references: [{ type: 'REPORT', url: `https://ubuntu.com/security/${cve}` }],
      };
    }
    case 'Alpine':
      return {
        id: `ALPINE-${cve}`,
        modified,
        upstream: [cve],
        details: DETAILS.slice(0, 120),
        affected: ['v3.18', 'v3.19', 'v3.20'].map((release) => ({
          package: { ecosystem: `Alpine:${release}`, name },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `${fixed}-r${i % 4}` }] }],
        })),
      };
    case 'Red Hat':
      return {
        id: `RHSA-${year}:${10000 + i}`,
        modified,
        upstream: [cve],
        summary: `${name}: security update`,
        details: DETAILS.repeat(2),
        affected: ['9::appstream', '9::baseos', '8::appstream'].map((stream) => ({
          package: { ecosystem: `Red Hat:enterprise_linux:${stream}`, name, purl: `pkg:rpm/redhat/${name}` },
          ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `0:${fixed}-${i % 30}.el${stream[0]}` }] }],
        })),
        severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
      };
    default: {
      // A real advisory of the ecosystem (npm's stand in where the vectors have none), re-keyed.
      const pool = templates[ecosystem] ?? templates.npm ?? [];
      const template = structuredClone(pool[i % pool.length]) as Json;
      const id = `GHSA-${i.toString(36).padStart(4, '0')}-${Object.keys(SYNTHETIC_COUNTS).indexOf(ecosystem).toString(36)}syn-${(i * 7919).toString(36).slice(-4).padStart(4, '0')}`;
      template.id = id;
      template.aliases = [cve];
      template.modified = modified;
      template.affected = ((template.affected as Json[] | undefined) ?? []).map((a) => ({ ...a, package: { ...(a.package as Json), ecosystem, name } }));
      return template;
    }
  }
}

/** Write a zip of `count` entries to `path` (via a temp file), streaming: nothing but the current entry is held. */
function writeZip(path: string, count: number, entry: (i: number) => { name: string; json: string }): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else writeSync(fd, chunk);
  });
  for (let i = 0; i < count; i++) {
    const { name, json } = entry(i);
    const file = new ZipDeflate(name, { level: 6 });
    zip.add(file);
    file.push(Buffer.from(json), true);
  }
  zip.end();
  closeSync(fd);
  if (failure) throw failure;
  renameSync(tmp, path);
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
