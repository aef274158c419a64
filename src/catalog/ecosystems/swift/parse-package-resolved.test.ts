// Conformance (shared vectors, kind swift) and unit tests for the Package.resolved parser.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../cataloger.ts';
import { isSextantError } from '../../../core/errors.ts';
import { parsePackageResolved, swiftCoordinates } from './parse-package-resolved.ts';

const FIXTURES = new URL('../../../../../shared/vectors/fixtures/swift/', import.meta.url);

interface Expected {
  inputs: string[];
  packages: { name: string; version: string }[];
}

function ctx(path: string): ParseContext {
  return { location: { path, layerDigest: null }, distro: null, foundBy: 'swift-package-resolved@1', readFile: async () => undefined };
}

const cases = readdirSync(FIXTURES).filter((d) => !d.startsWith('.'));

describe('swift conformance', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases)('%s', (dir) => {
    const exp = JSON.parse(readFileSync(new URL(`${dir}/expected.json`, FIXTURES), 'utf8')) as Expected;
    const got = exp.inputs.flatMap((f) => parsePackageResolved(readFileSync(new URL(`${dir}/${f}`, FIXTURES)), ctx(`/app/${f}`)));
    expect(got).toHaveLength(exp.packages.length);
    for (const e of exp.packages) {
      // Trivy's name is host/owner/repo; ours splits it as purl-spec does (namespace host/owner, name repo).
      const p = got.find((g) => `${g.namespace}/${g.name}` === e.name);
      expect(p, e.name).toBeDefined();
      // Trivy reports a branch pin (swift-ogg on branch "0.0.1") at its branch name; a branch moves, so we report
      // the commit it resolved to and keep the branch in metadata, which is what is asserted for such pins.
      if (p?.metadata['branch'] !== undefined && p.version === p.metadata['revision']) expect(p.metadata['branch']).toBe(e.version);
      else expect(p?.version).toBe(e.version);
    }
  });
});

describe('parsePackageResolved', () => {
  it('reads v1 pins with purls', () => {
    const got = parsePackageResolved(readFileSync(new URL('trivy__happy-v1-Package.resolved/happy-v1-Package.resolved', FIXTURES)), ctx('/app/Package.resolved'));
    expect(got.map((p) => p.purl)).toEqual(['pkg:swift/github.com/Quick/Nimble@9.2.1', 'pkg:swift/github.com/ReactiveCocoa/ReactiveSwift@7.1.1']);
    expect(got[0]).toMatchObject({
      type: 'swift',
      direct: null,
      foundBy: 'swift-package-resolved@1',
      locations: [{ path: '/app/Package.resolved', layerDigest: null }],
      metadata: { identity: 'Nimble', location: 'https://github.com/Quick/Nimble.git', revision: 'c93f16c25af5770f0d3e6af27c9634640946b068', formatVersion: 1 },
    });
  });

  it('reads v3 pins, branch pins at their revision, and leaves local packages out', () => {
    const v3 = {
      originHash: 'abc',
      pins: [
        { identity: 'swift-nio', kind: 'remoteSourceControl', location: 'git@github.com:apple/swift-nio.git', state: { revision: 'r1', version: '2.65.0' } },
        { identity: 'ogg', kind: 'remoteSourceControl', location: 'https://gitlab.com/group/sub/ogg', state: { branch: 'main', revision: 'deadbeef' } },
        { identity: 'local', kind: 'localSourceControl', location: '/src/local', state: { revision: 'r3' } },
        { identity: 'nothing', kind: 'remoteSourceControl', location: 'https://github.com/a/b', state: {} },
        'junk',
      ],
      version: 3,
    };
    const got = parsePackageResolved(Buffer.from(JSON.stringify(v3)), ctx('/Package.resolved'));
    expect(got.map((p) => p.purl)).toEqual(['pkg:swift/github.com/apple/swift-nio@2.65.0', 'pkg:swift/gitlab.com/group/sub/ogg@deadbeef']);
    expect(got[1]?.metadata).toMatchObject({ branch: 'main', revision: 'deadbeef' });
  });

  it('splits repository URLs', () => {
    expect(swiftCoordinates('https://github.com/Quick/Nimble.git')).toEqual({ namespace: 'github.com/Quick', name: 'Nimble' });
    expect(swiftCoordinates('ssh://git@github.com/Quick/Nimble.git')).toEqual({ namespace: 'github.com/Quick', name: 'Nimble' });
    expect(swiftCoordinates('git@github.com:Quick/Nimble.git')).toEqual({ namespace: 'github.com/Quick', name: 'Nimble' });
    expect(swiftCoordinates('/local/path')).toBeNull();
    expect(swiftCoordinates('file:///local/path')).toBeNull();
  });

  it('returns nothing for an empty file and rejects non-JSON', () => {
    expect(parsePackageResolved(Buffer.from('{}'), ctx('/p'))).toEqual([]);
    try {
      parsePackageResolved(Buffer.from('{"pins": ['), ctx('/p'));
      expect.unreachable();
    } catch (err) {
      expect(isSextantError(err, 'CORRUPT')).toBe(true);
    }
  });
});
