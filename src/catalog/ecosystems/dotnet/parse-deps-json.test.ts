// Conformance (shared vectors, kind dotnet-deps-json) and unit tests for the deps.json parser.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../cataloger.ts';
import { isSextantError } from '../../../core/errors.ts';
import { parseDepsJson } from './parse-deps-json.ts';

const FIXTURES = new URL('../../../../../shared/vectors/fixtures/dotnet-deps-json/', import.meta.url);

interface Expected {
  inputs: string[];
  packages: { name: string; version: string; Relationship?: string }[];
}

function ctx(path: string): ParseContext {
  return { location: { path, layerDigest: null }, distro: null, foundBy: 'dotnet-deps-json@1', readFile: async () => undefined };
}

const cases = readdirSync(FIXTURES).filter((d) => !d.startsWith('.'));

describe('dotnet-deps-json conformance', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases)('%s', (dir) => {
    const exp = JSON.parse(readFileSync(new URL(`${dir}/expected.json`, FIXTURES), 'utf8')) as Expected;
    const got = exp.inputs.flatMap((f) => parseDepsJson(readFileSync(new URL(`${dir}/${f}`, FIXTURES)), ctx(`/${f}`)));
    for (const e of exp.packages) {
      const p = got.find((g) => g.name === e.name && g.version === e.version);
      expect(p, `${e.name}@${e.version}`).toBeDefined();
      // Trivy's relationships: Root and Workspace are the app's own projects (ours: metadata.root / workspace).
      if (e.Relationship === 'RelationshipRoot') expect(p?.metadata['root']).toBe(true);
      if (e.Relationship === 'RelationshipWorkspace') expect(p?.metadata['workspace']).toBe(true);
      if (e.Relationship === 'RelationshipDirect') expect(p?.direct).toBe(true);
      if (e.Relationship === 'RelationshipIndirect') expect(p?.direct).toBe(false);
    }
    // Trivy's list is the whole result: nothing more is reported (skipped asset-less packages stay skipped).
    expect(got.map((p) => `${p.name}@${p.version}`).sort()).toEqual(exp.packages.map((p) => `${p.name}@${p.version}`).sort());
  });
});

describe('parseDepsJson', () => {
  it('gives purls, edges, hashes, and strips runtimepack prefixes', () => {
    const got = parseDepsJson(readFileSync(new URL('trivy__self-contained.deps.json/self-contained.deps.json', FIXTURES)), ctx('/app/ExampleApp1.deps.json'));
    const app = got.find((p) => p.name === 'ExampleApp1');
    expect(app?.dependsOn).toContain('Microsoft.NETCore.App.Runtime.linux-x64');
    expect(app?.direct).toBeNull();
    const json = got.find((p) => p.name === 'Newtonsoft.Json');
    expect(json).toMatchObject({ purl: 'pkg:nuget/Newtonsoft.Json@13.0.1', direct: true, metadata: { libraryType: 'package', path: 'newtonsoft.json/13.0.1' } });
    expect(got.find((p) => p.name === 'Microsoft.NETCore.App.Runtime.linux-x64')?.metadata['libraryType']).toBe('runtimepack');
  });

  it('throws CORRUPT for non-JSON', () => {
    expect(() => parseDepsJson(Buffer.from('{'), ctx('/x.deps.json'))).toThrow(expect.toSatisfy((e) => isSextantError(e, 'CORRUPT')));
  });
});
