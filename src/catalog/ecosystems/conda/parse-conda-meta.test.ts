// Conformance (shared vectors, kind conda-meta) and unit tests for the conda-meta record parser.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ParseContext } from '../../cataloger.ts';
import { isSextantError } from '../../../core/errors.ts';
import { condaChannelName, parseCondaMeta } from './parse-conda-meta.ts';

const FIXTURES = new URL('../../../../../shared/vectors/fixtures/conda-meta/', import.meta.url);

interface Expected {
  inputs: string[];
  packages: { name: string; version: string; Licenses?: string[] }[];
}

function ctx(path: string): ParseContext {
  return { location: { path, layerDigest: null }, distro: null, foundBy: 'conda-meta@1', readFile: async () => undefined };
}

const cases = readdirSync(FIXTURES).filter((d) => !d.startsWith('.'));

describe('conda-meta conformance', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases)('%s', (dir) => {
    const exp = JSON.parse(readFileSync(new URL(`${dir}/expected.json`, FIXTURES), 'utf8')) as Expected;
    const got = exp.inputs.flatMap((f) => parseCondaMeta(readFileSync(new URL(`${dir}/${f}`, FIXTURES)), ctx(`/opt/conda/conda-meta/${f}`)));
    expect(got).toHaveLength(exp.packages.length);
    for (const e of exp.packages) {
      const p = got.find((g) => g.name === e.name && g.version === e.version);
      expect(p, `${e.name}@${e.version}`).toBeDefined();
      if (e.Licenses) expect(p?.licenses).toBe(e.Licenses.join(' AND '));
    }
  });
});

describe('parseCondaMeta', () => {
  it('builds the purl with build, short channel and subdir, and reads size, deps and licence', () => {
    const file = readFileSync(new URL('trivy__libgomp-11.2.0-h1234567_1.json/libgomp-11.2.0-h1234567_1.json', FIXTURES));
    const [p] = parseCondaMeta(file, ctx('/opt/conda/conda-meta/libgomp-11.2.0-h1234567_1.json'));
    expect(p).toMatchObject({
      type: 'conda',
      purl: 'pkg:conda/libgomp@11.2.0?build=h1234567_1&channel=main&subdir=linux-64',
      licenses: 'GPL-3.0-only WITH GCC-exception-3.1',
      dependsOn: ['_libgcc_mutex'],
      direct: false,
      arch: 'linux-64',
      foundBy: 'conda-meta@1',
      size: 1265616 + 3324,
      locations: [{ path: '/opt/conda/conda-meta/libgomp-11.2.0-h1234567_1.json', layerDigest: null }],
    });
    expect(p?.metadata).toMatchObject({ build: 'h1234567_1', buildNumber: 1, channel: 'https://repo.anaconda.com/pkgs/main/linux-64', fileCount: 3 });
  });

  it('marks explicitly requested packages direct', () => {
    const rec = { name: 'numpy', version: '1.26.4', build: 'py312h', channel: 'https://conda.anaconda.org/conda-forge/linux-64', subdir: 'linux-64', requested_spec: 'numpy' };
    const [p] = parseCondaMeta(Buffer.from(JSON.stringify(rec)), ctx('/c.json'));
    expect(p?.direct).toBe(true);
    expect(p?.purl).toBe('pkg:conda/numpy@1.26.4?build=py312h&channel=conda-forge&subdir=linux-64');
    expect(p?.licenses).toBe('NOASSERTION');
  });

  it('names channels', () => {
    expect(condaChannelName('https://repo.anaconda.com/pkgs/main/linux-64', 'linux-64')).toBe('main');
    expect(condaChannelName('https://conda.anaconda.org/conda-forge/noarch', 'noarch')).toBe('conda-forge');
    expect(condaChannelName('conda-forge', 'linux-64')).toBe('conda-forge');
  });

  it('skips records without a name or version, and rejects non-JSON', () => {
    expect(parseCondaMeta(Buffer.from('{"name":"x"}'), ctx('/c.json'))).toEqual([]);
    expect(parseCondaMeta(Buffer.from('[]'), ctx('/c.json'))).toEqual([]);
    try {
      parseCondaMeta(Buffer.from('{nope'), ctx('/c.json'));
      expect.unreachable();
    } catch (err) {
      expect(isSextantError(err, 'CORRUPT')).toBe(true);
    }
  });
});
