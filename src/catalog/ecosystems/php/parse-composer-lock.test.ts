// Conformance (shared vectors, kind composer) and unit tests for the composer.lock and installed.json parsers.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../cataloger.ts';
import { isSextantError } from '../../../core/errors.ts';
import { composerLicenses } from './composer-package.ts';
import { parseComposerLock } from './parse-composer-lock.ts';
import { parseInstalledJson } from './parse-installed-json.ts';

const FIXTURES = new URL('../../../../../shared/vectors/fixtures/composer/', import.meta.url);

interface Expected {
  inputs: string[];
  packages: { name: string; version: string; Licenses?: string[]; Dev?: boolean }[];
}

function ctx(path: string, files: Record<string, string> = {}): ParseContext {
  return {
    location: { path, layerDigest: null },
    distro: null,
    foundBy: 'composer@1',
    readFile: async (p) => (files[p] === undefined ? undefined : Buffer.from(files[p])),
  };
}

const cases = readdirSync(FIXTURES).filter((d) => !d.startsWith('.'));

describe('composer conformance', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases)('%s', async (dir) => {
    const exp = JSON.parse(readFileSync(new URL(`${dir}/expected.json`, FIXTURES), 'utf8')) as Expected;
    const got = (await Promise.all(exp.inputs.map((f) => parseComposerLock(readFileSync(new URL(`${dir}/${f}`, FIXTURES)), ctx(`/${f}`))))).flat();
    for (const e of exp.packages) {
      // Trivy's name is Composer's `vendor/package`; ours splits it into purl namespace and name.
      const p = got.find((g) => `${g.namespace}/${g.name}` === e.name && g.version === e.version);
      expect(p, `${e.name}@${e.version}`).toBeDefined();
      // Trivy lists the licence ids (splitting "MIT or BSD-2-Clause"); we assert one SPDX OR of the same ids.
      if (e.Licenses) expect(p?.licenses).toBe(composerLicenses(e.Licenses));
      expect(p?.metadata['dev']).toBe(e.Dev === true);
    }
  });
});

const LOCK = JSON.stringify({
  packages: [
    {
      name: 'monolog/monolog',
      version: '3.5.0',
      license: ['MIT'],
      description: 'Sends your logs to files',
      authors: [{ name: 'Jordi Boggiano', email: 'j.boggiano@seld.be' }],
      require: { php: '>=8.1', 'psr/log': '^2.0 || ^3.0', 'ext-json': '*' },
      dist: { type: 'zip', url: 'https://api.github.com/x', reference: 'abc', shasum: '' },
    },
    { name: 'psr/log', version: '3.0.0', license: ['MIT'] },
    { name: 'broken' },
  ],
  'packages-dev': [{ name: 'phpunit/phpunit', version: '10.5.0', license: ['BSD-3-Clause'] }],
});

describe('parseComposerLock', () => {
  it('reads purls, authors, edges, dev and direct from composer.json', async () => {
    const got = await parseComposerLock(Buffer.from(LOCK), ctx('/app/composer.lock', { '/app/composer.json': JSON.stringify({ require: { php: '^8.1', 'monolog/monolog': '^3' }, 'require-dev': { 'phpunit/phpunit': '^10' } }) }));
    expect(got.map((p) => p.purl)).toEqual(['pkg:composer/monolog/monolog@3.5.0', 'pkg:composer/psr/log@3.0.0', 'pkg:composer/phpunit/phpunit@10.5.0']);
    expect(got[0]).toMatchObject({ authors: ['Jordi Boggiano <j.boggiano@seld.be>'], description: 'Sends your logs to files', dependsOn: ['psr/log'], direct: true, licenses: 'MIT', metadata: { dev: false } });
    expect(got[1]?.direct).toBe(false);
    expect(got[2]).toMatchObject({ direct: true, metadata: { dev: true } });
  });

  it('leaves direct unknown without composer.json, and throws CORRUPT for non-JSON', async () => {
    expect((await parseComposerLock(Buffer.from(LOCK), ctx('/composer.lock')))[0]?.direct).toBeNull();
    await expect(parseComposerLock(Buffer.from('nope'), ctx('/composer.lock'))).rejects.toSatisfy((e) => isSextantError(e, 'CORRUPT'));
  });

  it('joins several licences with OR', () => {
    expect(composerLicenses(['LGPL-2.1-only', 'GPL-3.0-or-later'])).toBe('LGPL-2.1-only OR GPL-3.0-or-later');
    expect(composerLicenses([])).toBe('NOASSERTION');
  });
});

describe('parseInstalledJson', () => {
  it('reads v2 with dev-package-names and the app composer.json', async () => {
    const doc = JSON.stringify({ packages: [{ name: 'psr/log', version: '3.0.0' }, { name: 'phpunit/phpunit', version: '10.5.0' }], dev: true, 'dev-package-names': ['phpunit/phpunit'] });
    const got = await parseInstalledJson(Buffer.from(doc), ctx('/srv/app/vendor/composer/installed.json', { '/srv/app/composer.json': '{"require":{"psr/log":"^3"}}' }));
    expect(got.map((p) => [p.name, p.direct, p.metadata['dev']])).toEqual([
      ['log', true, false],
      ['phpunit', false, true],
    ]);
  });

  it('reads v1 (a bare array) with dev unknown', async () => {
    const got = await parseInstalledJson(Buffer.from('[{"name":"psr/log","version":"1.1.4","license":["MIT"]}]'), ctx('/vendor/composer/installed.json'));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ namespace: 'psr', name: 'log', version: '1.1.4', direct: null });
    expect(got[0]?.metadata['dev']).toBeUndefined();
  });
});
