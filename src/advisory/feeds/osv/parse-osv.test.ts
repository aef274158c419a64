// Tests for the OSV record parser: every real record in ../shared/vectors/osv, a few in full, and malformed input.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Advisory } from '../../../core/advisory.ts';
import { isSextantError } from '../../../core/errors.ts';
import { parseOsvJson, parseOsvRecord } from './parse-osv.ts';

const osvDir = fileURLToPath(new URL('../../../../../shared/vectors/osv/', import.meta.url));

/** Every record file (relative path) under the named folders; SOURCES.json files describe provenance only. */
function recordFiles(): string[] {
  return ['Go', 'PyPI', 'npm', 'Maven', '_testdata'].flatMap((dir) =>
    readdirSync(osvDir + dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.json') && !f.endsWith('SOURCES.json'))
      .map((f) => `${dir}/${f}`),
  );
}

function parseFile(file: string): Advisory {
  const advisories = parseOsvJson(readFileSync(osvDir + file), file);
  expect(advisories).toHaveLength(1);
  return advisories[0]!;
}

/** The error `fn` throws, for assertions on its code and message. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('every real OSV record', () => {
  it('parses, keeping ids, aliases, packages and ranges', () => {
    const files = recordFiles();
    expect(files.length).toBeGreaterThan(7000);
    const counts = { ranges: 0, versions: 0, withSeverity: 0 };
    for (const file of files) {
      const bytes = readFileSync(osvDir + file);
      const raw = JSON.parse(bytes.toString('utf8')) as {
        id: string;
        aliases?: string[];
        upstream?: string[];
        affected?: { package?: unknown; ranges?: unknown[]; versions?: string[] }[];
      };
      const [advisory] = parseOsvJson(bytes, file);
      expect(advisory!.id).toBe(raw.id);
      // File names are the id (in _testdata, `<id>__<source>.json`).
      expect(file.split('/').pop()!.replace(/(__.*)?\.json$/, '')).toBe(raw.id);
      const upstream = (raw.upstream ?? []).filter((u) => u !== raw.id);
      expect(advisory!.aliases).toEqual([...new Set([...(raw.aliases ?? []), ...(upstream.length === 1 ? upstream : [])])].filter((a) => a !== raw.id));
      const withPackage = (raw.affected ?? []).filter((a) => a.package);
      expect(advisory!.affected.map((a) => a.ranges.length)).toEqual(withPackage.map((a) => a.ranges?.length ?? 0));
      expect(advisory!.affected.map((a) => a.versions)).toEqual(withPackage.map((a) => a.versions ?? []));
      counts.ranges += advisory!.affected.reduce((n, a) => n + a.ranges.length, 0);
      counts.versions += advisory!.affected.reduce((n, a) => n + a.versions.length, 0);
      if (advisory!.severity) counts.withSeverity++;
    }
    // Sanity: the set is large and varied (the exact numbers are the data's, not the parser's).
    expect(counts.ranges).toBeGreaterThan(10_000);
    expect(counts.versions).toBeGreaterThan(10_000);
    expect(counts.withSeverity).toBeGreaterThan(200);
  });
});

describe('known records in full', () => {
  it('GHSA-p6mc-m468-83gw: npm, CVSS v3.1, CWE ids, two packages', () => {
    const advisory = parseFile('npm/GHSA-p6mc-m468-83gw.json');
    const lodashRange = [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '4.17.20' }] }];
    expect({ ...advisory, details: advisory.details?.slice(0, 40), references: advisory.references.length }).toEqual({
      id: 'GHSA-p6mc-m468-83gw',
      aliases: ['CVE-2020-8203'],
      related: [],
      modified: '2022-02-08T22:04:28Z',
      published: '2020-07-15T19:15:48Z',
      withdrawn: null,
      summary: 'Prototype Pollution in lodash',
      details: 'Versions of lodash prior to 4.17.19 are ',
      // NVD publishes 7.4 HIGH for CVE-2020-8203.
      severity: { rating: 'high', score: 7.4, vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H', source: 'CVSS_V3' },
      affected: [
        { ecosystem: 'npm', name: 'lodash', purl: null, ranges: lodashRange, versions: [], severity: null },
        { ecosystem: 'npm', name: 'lodash-es', purl: null, ranges: lodashRange, versions: [], severity: null },
      ],
      references: 13,
      cwes: ['CWE-1321', 'CWE-770'],
    });
    expect(advisory.references[0]).toEqual({ type: 'ADVISORY', url: 'https://nvd.nist.gov/vuln/detail/CVE-2020-8203' });
    expect(advisory.references.at(-1)).toEqual({ type: 'WEB', url: 'https://www.oracle.com/security-alerts/cpuoct2021.html' });
  });

  it('GO-2021-0113: Go, a SEMVER range; ecosystem_specific.imports is not part of the model', () => {
    expect(parseFile('Go/GO-2021-0113.json')).toEqual({
      id: 'GO-2021-0113',
      aliases: ['CVE-2021-38561', 'GHSA-ppp9-7jff-5vj2'],
      related: [],
      modified: '0001-01-01T00:00:00Z',
      published: '2021-10-06T17:51:21Z',
      withdrawn: null,
      summary: 'Out-of-bounds read in golang.org/x/text/language',
      details:
        'Due to improper index calculation, an incorrectly formatted language tag can cause Parse to panic via an out of bounds read. If Parse is used to process untrusted user inputs, this may be used as a vector for a denial of service attack.',
      severity: null,
      affected: [
        {
          ecosystem: 'Go',
          name: 'golang.org/x/text',
          purl: null,
          ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '0.3.7' }] }],
          versions: [],
          severity: null,
        },
      ],
      references: [
        { type: 'FIX', url: 'https://go.dev/cl/340830' },
        { type: 'FIX', url: 'https://go.googlesource.com/text/+/383b2e75a7a4198c42f8f87833eefb772868a56f' },
      ],
      cwes: [],
    });
  });

  it('GO-2025-3828: duplicated aliases come through once', () => {
    expect(parseFile('Go/GO-2025-3828.json').aliases).toEqual(['CVE-2025-4674']);
  });

  it('PYSEC-2021-63 (osv.dev test data): PyPI, withdrawn, a versions list kept as strings', () => {
    const advisory = parseFile('_testdata/PyPI/PYSEC-2021-63__osv.dev.json');
    expect(advisory).toMatchObject({ id: 'PYSEC-2021-63', aliases: ['CVE-2020-36242'], withdrawn: '2021-02-10T20:15:00Z', severity: null });
    expect(advisory.affected).toHaveLength(1);
    expect(advisory.affected[0]).toMatchObject({
      ecosystem: 'PyPI',
      name: 'cryptography',
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '3.1' }, { fixed: '3.3.2' }] }],
    });
    expect(advisory.affected[0]!.versions).toEqual(['3.1', '3.1.1', '3.2', '3.2.1', '3.3', '3.3.1']);
  });

  it('PYSEC-2022-302: PyPI with a purl, a GIT range and an ECOSYSTEM range', () => {
    expect(parseFile('PyPI/PYSEC-2022-302.json').affected).toEqual([
      {
        ecosystem: 'PyPI',
        name: 'rdiffweb',
        purl: 'pkg:pypi/rdiffweb',
        ranges: [
          { type: 'GIT', events: [{ introduced: '0' }, { fixed: '323383d1db656f1b1291be529947bd943a6b0e99' }] },
          { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.4.10' }] },
        ],
        versions: [],
        severity: null,
      },
    ]);
  });

  it('USN-7234-1 (osv.dev test data): a notice’s several upstream ids become related, not aliases', () => {
    const advisory = parseFile('_testdata/none/USN-7234-1__osv.dev.json');
    expect(advisory.related).toEqual([
      'CVE-2023-21400', 'CVE-2024-40967', 'CVE-2024-53103', 'CVE-2024-53141', 'CVE-2024-53164',
      'UBUNTU-CVE-2023-21400', 'UBUNTU-CVE-2024-40967', 'UBUNTU-CVE-2024-53103', 'UBUNTU-CVE-2024-53141', 'UBUNTU-CVE-2024-53164',
    ]);
    expect(advisory.affected).toEqual([]);
  });
});

describe('malformed input', () => {
  const minimal = { id: 'TEST-1', modified: '2024-01-01T00:00:00Z' };
  const pkg = { ecosystem: 'npm', name: 'left-pad' };

  it('maps a minimal record to empty lists and nulls', () => {
    expect(parseOsvRecord(minimal, 'mem')).toEqual({
      ...minimal, aliases: [], related: [], published: null, withdrawn: null, summary: null, details: null,
      severity: null, affected: [], references: [], cwes: [],
    });
  });

  it.each([
    [{ modified: '2024-01-01T00:00:00Z' }, /^feed\/x\.json: .*missing "id"$/],
    [{ id: '', modified: '2024-01-01T00:00:00Z' }, /missing "id"/],
    [{ id: 'TEST-1' }, /^feed\/x\.json: .*TEST-1 is missing "modified"$/],
    [{ ...minimal, affected: { package: pkg } }, /TEST-1 has an "affected" that is not a list/],
    [null, /expected a JSON object/],
    [['TEST-1'], /expected a JSON object/],
  ])('throws CORRUPT naming the origin for %j', (json, message) => {
    const err = thrown(() => parseOsvRecord(json, 'feed/x.json'));
    expect(isSextantError(err, 'CORRUPT')).toBe(true);
    expect((err as Error).message).toMatch(message);
  });

  it('throws a one-line CORRUPT error for malformed JSON', () => {
    const err = thrown(() => parseOsvJson(Buffer.from('{"id": "TEST-1",\n "modified": '), 'dump.json'));
    expect(isSextantError(err, 'CORRUPT')).toBe(true);
    expect((err as Error).message).toMatch(/^dump\.json: malformed JSON: /);
    expect((err as Error).message).not.toContain('\n');
    expect((err as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it('reads an array of records, naming the bad one by index', () => {
    const two = [minimal, { ...minimal, id: 'TEST-2' }];
    expect(parseOsvJson(JSON.stringify(two), 'dump.json').map((a) => a.id)).toEqual(['TEST-1', 'TEST-2']);
    expect(parseOsvJson('\uFEFF' + JSON.stringify(minimal), 'bom.json')[0]!.id).toBe('TEST-1');
    const err = thrown(() => parseOsvJson(JSON.stringify([minimal, { id: 'TEST-3' }]), 'dump.json'));
    expect((err as Error).message).toMatch(/^dump\.json\[1\]: .*TEST-3 is missing "modified"$/);
  });

  it('skips only the range whose events are malformed, or whose type is unknown', () => {
    const good = { type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.2.0' }] };
    const ranges = [
      { type: 'ECOSYSTEM', events: [{ introduced: '0', fixed: '1.0.0' }] }, // two keys in one event
      { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { removed: '1.0.0' }] }, // unknown key
      { type: 'ECOSYSTEM', events: [{ introduced: 0 }] }, // not a string
      { type: 'ECOSYSTEM', events: [{}] }, // no key
      { type: 'ECOSYSTEM', events: 'introduced 0' },
      { type: 'RANGE', events: [{ introduced: '0' }] }, // not an OSV range type
      'junk',
      good,
    ];
    const advisory = parseOsvRecord({ ...minimal, affected: [{ package: pkg, ranges }] }, 'mem');
    expect(advisory.affected[0]!.ranges).toEqual([good]);
  });

  it('ignores unknown fields and malformed optional parts, and keeps the rest', () => {
    const advisory = parseOsvRecord(
      {
        ...minimal,
        schema_version: '1.7.0',
        credits: [{ name: 'someone' }],
        aliases: ['CVE-2024-1', 'TEST-1', 'CVE-2024-1', 7],
        upstream: ['CVE-2024-2', 'TEST-1'],
        related: ['CVE-2024-2', 'CVE-2024-3'],
        summary: 5,
        affected: [
          { ranges: [{ type: 'GIT', repo: 'https://example.com/r', events: [{ introduced: 'abc' }] }] }, // no package
          { package: { ecosystem: 'npm' } }, // no name
          { package: { ...pkg, purl: 'pkg:npm/left-pad' }, versions: ['1.0.0', 1, '1.1.0'], future_field: true },
        ],
        references: [{ type: 'WEB', url: 'https://example.com' }, { url: 'https://example.com/no-type' }, 'junk'],
        database_specific: { cwe_ids: ['CWE-79', 'CWE-79', 'CWE-80'], severity: 'LOW' },
      },
      'mem',
    );
    // One upstream id (besides itself): the same vulnerability under a distribution's id, so an alias.
    expect(advisory).toMatchObject({
      aliases: ['CVE-2024-1', 'CVE-2024-2'],
      related: ['CVE-2024-3'],
      summary: null,
      references: [{ type: 'WEB', url: 'https://example.com' }],
      cwes: ['CWE-79', 'CWE-80'],
      severity: { rating: 'low', score: null, vector: null, source: 'database_specific' },
    });
    expect(advisory.affected).toEqual([
      { ecosystem: 'npm', name: 'left-pad', purl: 'pkg:npm/left-pad', ranges: [], versions: ['1.0.0', '1.1.0'], severity: null },
    ]);
  });

  it('gives a package its own severity when the record gives one per package', () => {
    const vector = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
    const advisory = parseOsvRecord({ ...minimal, affected: [{ package: pkg, severity: [{ type: 'CVSS_V3', score: vector }] }] }, 'mem');
    expect(advisory.affected[0]!.severity).toEqual({ rating: 'critical', score: 9.8, vector, source: 'CVSS_V3' });
    expect(advisory.severity).toEqual(advisory.affected[0]!.severity);
  });
});
