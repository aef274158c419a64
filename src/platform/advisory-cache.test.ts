// The advisory lookup cache in front of a real (SQLite) advisory store: it answers as the store does, asks the store
// only for names it has not seen under the current database, and starts over when the database changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdvisoryStore, type AffectedMatch } from '../advisory/store/advisory-store.ts';
import { advisory, range } from '../../test/support/platform-fixtures.ts';
import { advisoryLookupCache } from './advisory-cache.ts';

let store: AdvisoryStore;
const asked: string[][] = [];
const counting = {
  affecting: (ecosystem: string, names: readonly string[], release: string | null) => {
    asked.push([...names].sort());
    return store.affecting(ecosystem, names, release);
  },
};

beforeAll(async () => {
  store = await AdvisoryStore.open({ url: ':memory:' });
  await store.upsert(
    [
      advisory('GHSA-1', ['CVE-2021-1'], [range('npm', 'lodash', '4.17.21')], 'high'),
      advisory('GHSA-2', ['CVE-2021-2'], [range('npm', 'lodash', '4.17.19'), range('npm', 'qs', '6.5.3')], 'medium'),
      advisory('PYSEC-1', ['CVE-2021-3'], [range('PyPI', 'zope.interface', '5.0')], 'low'),
      advisory('DSA-1', ['CVE-2021-4'], [range('Debian:12', 'openssl', '3.0.12-1'), range('Debian:11', 'openssl', '1.1.1w-1')], 'high'),
    ],
    'test',
  );
});
afterAll(async () => store.close());

const ids = (matches: AffectedMatch[]) => matches.map((m) => `${m.advisory.id} ${m.affected.ecosystem} ${m.affected.name}`).sort();

describe('advisoryLookupCache', () => {
  it('answers as the store does, asking it only for names not seen under the same database', async () => {
    const cache = advisoryLookupCache(counting);
    const first = cache.forDatabase('sha256:a');
    expect(ids(await first.affecting('npm', ['lodash', 'express'], null))).toEqual(ids(await store.affecting('npm', ['lodash', 'express'])));
    expect(ids(await first.affecting('npm', ['lodash', 'qs'], null))).toEqual(['GHSA-1 npm lodash', 'GHSA-2 npm lodash', 'GHSA-2 npm qs']);
    expect(ids(await first.affecting('npm', ['express', 'lodash'], null))).toHaveLength(2);
    // PyPI names compare as PEP 503 says: one lookup for both spellings.
    expect(ids(await first.affecting('PyPI', ['Zope_Interface'], null))).toEqual(['PYSEC-1 PyPI zope.interface']);
    expect(ids(await first.affecting('PyPI', ['zope-interface', 'zope.interface'], null))).toEqual(['PYSEC-1 PyPI zope.interface']);
    // A release is part of what was asked.
    expect(ids(await first.affecting('Debian', ['openssl'], '12'))).toEqual(['DSA-1 Debian:12 openssl']);
    expect(ids(await first.affecting('Debian', ['openssl'], '11'))).toEqual(['DSA-1 Debian:11 openssl']);
    expect(asked).toEqual([['express', 'lodash'], ['qs'], ['zope-interface'], ['openssl'], ['openssl']]);

    // Another database: asked again.
    asked.length = 0;
    expect(ids(await cache.forDatabase('sha256:b').affecting('npm', ['lodash'], null))).toHaveLength(2);
    expect(asked).toEqual([['lodash']]);
  });
});
