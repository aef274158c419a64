// Accuracy: osv-scanner's snapshot verdicts (../shared/vectors/golden/osv-scanner) for the advisories present in
// ../shared/vectors/osv, reproduced by Sextant's matcher over a store holding those real records.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Package } from '../core/package.ts';
import { parseOsvJson } from '../advisory/feeds/osv/parse-osv.ts';
import { AdvisoryStore } from '../advisory/store/advisory-store.ts';
import { matchPackages } from './matcher.ts';

const vectors = fileURLToPath(new URL('../../../shared/vectors/', import.meta.url));

interface Row {
  id: string;
  ecosystem: string;
  package: string;
  version: string;
  fixed: string;
}

let store: AdvisoryStore;
/** The fixed versions each stored record names, by record id. */
const fixesById = new Map<string, Set<string>>();

beforeAll(async () => {
  store = await AdvisoryStore.open({ url: ':memory:' });
  for (const eco of ['Go', 'PyPI', 'npm', 'Maven', '_testdata']) {
    const dir = `${vectors}osv/${eco}/`;
    const records = readdirSync(dir)
      .filter((f) => f.endsWith('.json') && f !== 'SOURCES.json')
      .flatMap((f) => parseOsvJson(readFileSync(`${dir}${f}`), f));
    for (const r of records) {
      fixesById.set(r.id, new Set(r.affected.flatMap((a) => a.ranges.flatMap((range) => range.events.flatMap((e) => ('fixed' in e ? [e.fixed] : []))))));
    }
    await store.upsert(records, `osv:${eco}`);
  }
}, 60_000);
afterAll(async () => {
  await store.close();
});

/** A package as the catalogers would record it, from an osv-scanner row. */
function packageOf(row: Row): Package {
  const base = { authors: [], description: null, licenses: 'NOASSERTION', size: null, locations: [], direct: null, dependsOn: [], source: null, arch: null, foundBy: 'golden@1', metadata: {} };
  if (row.ecosystem === 'Go') {
    const slash = row.package.lastIndexOf('/');
    return { ...base, type: 'golang', namespace: slash > 0 ? row.package.slice(0, slash) : null, name: row.package.slice(slash + 1), version: row.version, purl: `pkg:golang/${row.package}@${row.version}` };
  }
  if (row.ecosystem === 'Maven') {
    const [group, artifact] = row.package.split(':');
    return { ...base, type: 'maven', namespace: group ?? null, name: artifact ?? row.package, version: row.version, purl: `pkg:maven/${group}/${artifact}@${row.version}` };
  }
  return { ...base, type: 'pypi', namespace: null, name: row.package, version: row.version, purl: `pkg:pypi/${row.package}@${row.version}` };
}

describe('matcher against osv-scanner snapshots', () => {
  it('finds every vulnerability osv-scanner reported for advisories in the shared vectors, with the same fix', async () => {
    const golden = JSON.parse(readFileSync(`${vectors}golden/osv-scanner/expected_vulns_from_snapshots.json`, 'utf8')) as { tests: Record<string, Row[]> };
    const rows = new Map<string, Row>();
    for (const list of Object.values(golden.tests)) {
      for (const r of list) {
        // Rows without an ecosystem continue the previous one (more ids of the same finding) in the snapshot table.
        // Only rows whose own record is in the vectors are in scope (an alias of a record present is not its record).
        if (!r.ecosystem || !['Go', 'PyPI', 'Maven'].includes(r.ecosystem) || !fixesById.has(r.id)) continue;
        rows.set(`${r.id} ${r.ecosystem} ${r.package}@${r.version}`, r);
      }
    }
    expect(rows.size).toBeGreaterThan(80);
    const packages = new Map<string, Package>();
    for (const r of rows.values()) packages.set(`${r.ecosystem} ${r.package}@${r.version}`, packageOf(r));
    const { findings } = await matchPackages([...packages.values()], null, store, 'golden');
    const misses: string[] = [];
    const drifted: string[] = [];
    for (const [key, r] of rows) {
      const p = packages.get(`${r.ecosystem} ${r.package}@${r.version}`) as Package;
      const f = findings.find((x) => x.purl === p.purl && x.ids.includes(r.id));
      if (!f) misses.push(`${key}: not found`);
      else if (r.fixed && !f.fixedIn.includes(r.fixed)) {
        // The snapshot ran against the live database of its day: a fix the stored record no longer names is drift.
        if (fixesById.get(r.id)?.has(r.fixed)) misses.push(`${key}: fixed in ${f.fixedIn.join('|') || 'nothing'}, osv-scanner says ${r.fixed}`);
        else drifted.push(`${key}: ${r.fixed}`);
      }
    }
    expect(misses).toEqual([]);
    // Records rewritten since the snapshot (GitHub folded jackson-databind's branch fixes into one range; flask-cors's
    // fix moved to 5.0.0). Listed so that any new difference fails the test.
    expect(drifted.sort()).toEqual([
      'GHSA-6fpp-rgj9-8rwc Maven com.fasterxml.jackson.core:jackson-databind@2.6.7.1: 2.7.9.6',
      'GHSA-mph4-vhrx-mv67 Maven com.fasterxml.jackson.core:jackson-databind@2.6.7.1: 2.6.7.3',
      'GHSA-rgv9-q543-rqg4 Maven com.fasterxml.jackson.core:jackson-databind@2.6.7.1: 2.12.7.1',
      'PYSEC-2024-71 PyPI flask-cors@1.0.0: 4.0.2',
    ]);
  });
});
