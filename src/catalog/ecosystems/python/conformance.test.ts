// Conformance: every Python fixture under ../shared/vectors/fixtures yields the packages its expected.json lists.
// The fixtures come from Trivy's parser tests (Trivy field names); where Trivy's output encodes a Trivy quirk
// rather than what the file means, the case below says so and asserts the meaning.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Package } from '../../../core/package.ts';
import { NOASSERTION } from '../../licenses.ts';
import type { ParseContext, Parser } from '../../cataloger.ts';
import { parseMetadata } from './parse-metadata.ts';
import { parsePipfileLock } from './parse-pipfile-lock.ts';
import { parsePoetryLock } from './parse-poetry-lock.ts';
import { parseRequirements } from './parse-requirements.ts';
import { parseUvLock } from './parse-uv-lock.ts';
import { normalizeName } from './python-package.ts';

interface Expected {
  note: string;
  inputs: string[];
  packages: Record<string, unknown>[];
}

const FIXTURES = new URL('../../../../../shared/vectors/fixtures/', import.meta.url);

function cases(kind: string): [string, Expected, URL][] {
  const dir = new URL(`${kind}/`, FIXTURES);
  return readdirSync(dir)
    .sort()
    .map((name) => {
      const caseDir = new URL(`${name}/`, dir);
      return [name, JSON.parse(readFileSync(new URL('expected.json', caseDir), 'utf8')) as Expected, caseDir];
    });
}

/**
 * Where a fixture file would sit in an image. Trivy's test files are renamed (`asyncssh-2.14.2.METADATA`); the
 * parser reads the format from the real layout (`…dist-info/METADATA`), so each is placed where it belongs.
 */
function imagePath(kind: string, input: string): string {
  if (kind !== 'python-metadata') return `/app/${input}`;
  if (input.endsWith('.METADATA')) return `/usr/lib/python3/site-packages/${input.replace(/\.METADATA$/, '')}.dist-info/METADATA`;
  if (input.endsWith('.PKG-INFO')) return `/usr/lib/python3/site-packages/${input.replace(/\.PKG-INFO$/, '')}/PKG-INFO`;
  return `/usr/lib/python3/site-packages/${input}`;
}

async function run(kind: string, parse: Parser, expected: Expected, caseDir: URL): Promise<Package[]> {
  const out: Package[] = [];
  for (const input of expected.inputs) {
    const ctx: ParseContext = {
      location: { path: imagePath(kind, input), layerDigest: null },
      distro: null,
      foundBy: 'test@1',
      // Each fixture is one file alone: no RECORD, pyproject.toml or Pipfile beside it.
      readFile: () => Promise.resolve(undefined),
    };
    out.push(...(await parse(readFileSync(new URL(input, caseDir)), ctx)));
  }
  return out;
}

function find(found: Package[], want: Record<string, unknown>): Package {
  const pkg = found.find((p) => p.name === want.name && p.version === want.version);
  expect(pkg, `${String(want.name)}@${String(want.version)}`).toBeDefined();
  return pkg as Package;
}

function checkCommon(found: Package[], expected: Expected): void {
  for (const p of found) {
    expect(p.type).toBe('pypi');
    expect(p.purl).toBe(`pkg:pypi/${normalizeName(p.name)}@${encodeURIComponent(p.version).replace(/%2B/g, '+')}`);
  }
  // Trivy lists each package once; so do we, so nothing beyond the expectation is invented.
  expect(found.length).toBe(expected.packages.length);
}

/**
 * Trivy's licence strings → the SPDX expression the metadata means. Trivy copies the License field or the
 * classifier text; we emit SPDX, so the expectation is translated per case.
 */
const METADATA_LICENSES: Record<string, string> = {
  'trivy__asyncssh-2.14.2.METADATA': 'EPL-2.0',
  // Quirk: Trivy reports the free-text field ("Python license") for the egg-info copy and the classifier for the
  // wheel copy of the same metadata; the classifier (PSF) is what both files declare unambiguously.
  'trivy__distlib-0.3.1-py3.9.egg-info': 'PSF-2.0',
  'trivy__distlib-0.3.1.METADATA': 'PSF-2.0',
  'trivy__iniconfig-2.0.0.METADATA': 'MIT',
  // Quirk: Trivy reports "file://LICENSE.txt", a pointer to a licence file it did not read. The metadata declares no
  // licence name, so the meaning is NOASSERTION, with the file kept in metadata.licenseFiles.
  'trivy__networkx-3.0.METADATA': NOASSERTION,
  // Several licence classifiers offer a choice (pyphen is tri-licensed).
  'trivy__pyphen-0.14.0.METADATA': 'GPL-2.0-or-later OR LGPL-2.0-or-later OR MPL-1.1',
  // Quirk: Trivy reports the "UNKNOWN" placeholder of the License field; the MIT classifier is the declaration.
  'trivy__setuptools-51.3.3-py3.8.egg-info.PKG-INFO': 'MIT',
  'trivy__simple-0.1.0.METADATA': NOASSERTION,
  // "UNKNOWN" and no classifier: nothing is declared.
  'trivy__unidecode-egg-info.PKG-INFO': NOASSERTION,
  'trivy__zipp-3.12.1.METADATA': 'MIT',
};

describe('conformance: python-metadata', () => {
  const all = cases('python-metadata');
  it('has fixtures', () => expect(all.length).toBeGreaterThan(0));
  it.each(all)('%s', async (name, expected, dir) => {
    const found = await run('python-metadata', parseMetadata, expected, dir);
    checkCommon(found, expected);
    for (const want of expected.packages) {
      const pkg = find(found, want);
      expect(name in METADATA_LICENSES, `licence expectation for ${name}`).toBe(true);
      expect(pkg.licenses).toBe(METADATA_LICENSES[name]);
      const trivy = want.Licenses as string[] | undefined;
      for (const l of trivy ?? []) {
        if (l.startsWith('file://')) expect(pkg.metadata.licenseFiles).toContain(l.slice('file://'.length));
      }
    }
  });
});

describe('conformance: python-requirements', () => {
  const all = cases('python-requirements');
  it('has fixtures', () => expect(all.length).toBeGreaterThan(0));
  it.each(all)('%s', async (name, expected, dir) => {
    const found = await run('python-requirements', parseRequirements, expected, dir);
    if (name === 'trivy__requirements_compatible.txt') {
      // Quirk: this is Trivy's "use minimum version" option, which reports `>= 4.1.1` or `~= 1.1` as if it were
      // the installed version. No line of this file pins a version (`==2.0.*` is a wildcard), so it names no
      // exact package; asserting the meaning: nothing is reported, and none of Trivy's guesses in particular.
      for (const want of expected.packages) expect(found.some((p) => p.name === want.name && p.version === want.version)).toBe(false);
      expect(found).toEqual([]);
      return;
    }
    checkCommon(found, expected);
    for (const want of expected.packages) expect(find(found, want).direct).toBeNull();
  });
});

describe('conformance: python-pipfile-lock', () => {
  const all = cases('python-pipfile-lock');
  it('has fixtures', () => expect(all.length).toBeGreaterThan(0));
  it.each(all)('%s', async (_name, expected, dir) => {
    const found = await run('python-pipfile-lock', parsePipfileLock, expected, dir);
    checkCommon(found, expected);
    for (const want of expected.packages) find(found, want);
  });
});

/** Trivy's Dev flag → metadata.dev (absent in Trivy means false). */
function checkDev(pkg: Package, want: Record<string, unknown>): void {
  expect(pkg.metadata.dev ?? false, `dev of ${pkg.name}`).toBe(want.Dev === true);
}

describe('conformance: python-poetry', () => {
  const all = cases('python-poetry');
  it('has fixtures', () => expect(all.length).toBeGreaterThan(0));
  it.each(all)('%s', async (_name, expected, dir) => {
    const found = await run('python-poetry', parsePoetryLock, expected, dir);
    checkCommon(found, expected);
    for (const want of expected.packages) checkDev(find(found, want), want);
  });
});

describe('conformance: python-uv', () => {
  const all = cases('python-uv');
  it('has fixtures', () => expect(all.length).toBeGreaterThan(0));
  it.each(all)('%s', async (_name, expected, dir) => {
    const found = await run('python-uv', parseUvLock, expected, dir);
    checkCommon(found, expected);
    for (const want of expected.packages) {
      const pkg = find(found, want);
      checkDev(pkg, want);
      if (want.Relationship === 'RelationshipRoot') {
        expect(pkg.metadata.root).toBe(true);
        expect(pkg.direct).toBeNull();
      } else if (want.Relationship === 'RelationshipDirect') expect(pkg.direct).toBe(true);
      else if (want.Relationship === 'RelationshipIndirect') expect(pkg.direct).toBe(false);
    }
  });
});
