import { describe, expect, it } from 'vitest';
import { NOASSERTION, normalizeLicenses } from './licenses.ts';

describe('normalizeLicenses', () => {
  it.each([
    [['MIT'], 'MIT'],
    [['mit'], 'MIT'],
    [['openssl'], 'OpenSSL'],
    [['Apache 2.0'], 'Apache-2.0'],
    [['GPL-2+'], 'GPL-2.0-or-later'],
    [['LGPL-2.1+'], 'LGPL-2.1-or-later'],
    [['GPLv3+'], 'GPL-3.0-or-later'],
    [['MIT OR Apache-2.0'], 'MIT OR Apache-2.0'],
    [['MIT', 'BSD-3-Clause', 'MIT'], 'MIT AND BSD-3-Clause'],
    [['MIT OR Apache-2.0', 'Zlib'], '(MIT OR Apache-2.0) AND Zlib'],
    [['Some Custom Licence v1'], 'LicenseRef-Some-Custom-Licence-v1'],
    [[], NOASSERTION],
    [[null, '', 'UNKNOWN', 'NOASSERTION'], NOASSERTION],
  ])('%j → %s', (declared, expected) => {
    expect(normalizeLicenses(declared)).toBe(expected);
  });
});
