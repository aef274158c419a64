// Conformance (shared vectors, kind go-mod) and unit tests for the go.mod parser.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../cataloger.ts';
import type { Package } from '../../../core/package.ts';
import { parseGoMod } from './parse-go-mod.ts';

const FIXTURES = new URL('../../../../../shared/vectors/fixtures/go-mod/', import.meta.url);

interface Expected {
  inputs: string[];
  packages: { name: string; version?: string; Relationship?: string }[];
}

function ctx(path: string, files: Record<string, string> = {}): ParseContext {
  return {
    location: { path, layerDigest: null },
    distro: null,
    foundBy: 'go-mod@1',
    readFile: async (p) => (files[p] === undefined ? undefined : Buffer.from(files[p])),
  };
}

/** The module path a Package stands for (purl namespace and name joined back). */
function modulePath(p: Package): string {
  return p.namespace ? `${p.namespace}/${p.name}` : p.name;
}

const cases = readdirSync(FIXTURES).filter((d) => !d.startsWith('.'));

describe('go-mod conformance', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases)('%s', async (dir) => {
    const exp = JSON.parse(readFileSync(new URL(`${dir}/expected.json`, FIXTURES), 'utf8')) as Expected;
    const got = (await Promise.all(exp.inputs.map((f) => parseGoMod(readFileSync(new URL(`${dir}/${f}`, FIXTURES)), ctx(`/${f}`))))).flat();
    // Trivy's "no replace" case runs its parser with replace directives switched off, an option rather than the
    // format's meaning (the go command always applies them). There we assert the meaning: the replaced module is
    // reported, and the version Trivy expects is the required one it replaced.
    const replaceOff = dir.endsWith('__no_replace');
    for (const e of exp.packages) {
      const byName = got.filter((g) => modulePath(g) === e.name);
      const p = replaceOff
        ? byName.find((g) => g.version === (e.version ?? '') || (g.metadata['replaces'] as { version?: string } | undefined)?.version === e.version)
        : byName.find((g) => g.version === (e.version ?? ''));
      expect(p, `${e.name}@${e.version ?? ''}`).toBeDefined();
      if (e.Relationship === 'RelationshipRoot') expect(p?.metadata['root']).toBe(true);
      if (e.Relationship === 'RelationshipDirect') expect(p?.direct).toBe(true);
      if (e.Relationship === 'RelationshipIndirect') expect(p?.direct).toBe(false);
    }
    if (replaceOff) {
      const dep = got.find((g) => modulePath(g) === 'github.com/aquasecurity/go-dep-parser');
      expect(dep?.version).toBe('v0.0.0-20220406074731-71021a481237');
    }
  });
});

const GOMOD = `module example.com/app // the app

go 1.22.0

toolchain go1.22.5

require (
	github.com/sirupsen/logrus v1.9.3
	"golang.org/x/sys" v0.20.0 // indirect
	github.com/old/fork v1.0.0
	example.com/local v0.0.0 // indirect; vendored
)

exclude github.com/sirupsen/logrus v1.0.0

replace (
	github.com/old/fork v1.0.0 => github.com/new/fork v1.2.0
	example.com/local => ../local
)

retract (
	v0.1.0 // broken
)
`;

describe('parseGoMod', () => {
  it('reads blocks, quoted paths, replaces, stdlib and go.sum checksums', async () => {
    const sum = 'github.com/sirupsen/logrus v1.9.3 h1:abc=\ngithub.com/sirupsen/logrus v1.9.3/go.mod h1:def=\n';
    const got = await parseGoMod(Buffer.from(GOMOD), ctx('/src/go.mod', { '/src/go.sum': sum }));
    expect(got.map((p) => [p.purl, p.direct])).toEqual([
      ['pkg:golang/example.com/app', null],
      ['pkg:golang/github.com/sirupsen/logrus@v1.9.3', true],
      ['pkg:golang/golang.org/x/sys@v0.20.0', false],
      ['pkg:golang/github.com/new/fork@v1.2.0', true],
      ['pkg:golang/stdlib@v1.22.5', true],
    ]);
    expect(got[0]?.metadata).toEqual({ root: true, goVersion: '1.22.0' });
    expect(got[1]).toMatchObject({ namespace: 'github.com/sirupsen', name: 'logrus', metadata: { h1Digest: 'h1:abc=' } });
    expect(got[3]?.metadata['replaces']).toEqual({ path: 'github.com/old/fork', version: 'v1.0.0' });
    expect(got[4]?.metadata).toEqual({ minimum: true, toolchain: 'go1.22.5' });
  });

  it('adds go.sum modules as indirect before Go 1.17', async () => {
    const mod = 'module a.example/m\n\ngo 1.16\n\nrequire github.com/pkg/errors v0.9.1\n';
    const sum = 'github.com/pkg/errors v0.9.1 h1:x=\ngithub.com/davecgh/go-spew v1.1.1 h1:y=\ngithub.com/stretchr/testify v1.7.0/go.mod h1:z=\n';
    const got = await parseGoMod(Buffer.from(mod), ctx('/go.mod', { '/go.sum': sum }));
    expect(got.map((p) => [p.purl, p.direct])).toEqual([
      ['pkg:golang/a.example/m', null],
      ['pkg:golang/github.com/pkg/errors@v0.9.1', true],
      ['pkg:golang/github.com/davecgh/go-spew@v1.1.1', false],
    ]);
  });
});
