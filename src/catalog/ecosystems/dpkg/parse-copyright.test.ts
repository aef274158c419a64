// Tests for DEP-5 copyright parsing and the mapping of Debian licence short names to SPDX.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { debianLicenseToSpdx, parseCopyrightLicenses } from './parse-copyright.ts';
import { parseFileList, parseMd5sums } from './parse-file-list.ts';

describe('parseCopyrightLicenses', () => {
  it('reads the licences of Files paragraphs in a machine-readable file', () => {
    const dep5 = readFileSync(new URL('testdata/copyright-dep5', import.meta.url));
    expect(parseCopyrightLicenses(dep5)).toEqual(['GPL-2.0-or-later', 'LicenseRef-public-domain', 'LGPL-2.1-or-later OR BSD-3-Clause']);
  });

  it('yields nothing for a free-form file or binary content', () => {
    expect(parseCopyrightLicenses(readFileSync(new URL('testdata/copyright-freeform', import.meta.url)))).toEqual([]);
    expect(parseCopyrightLicenses(Buffer.from([0, 1, 2]))).toEqual([]);
  });
});

describe('debianLicenseToSpdx', () => {
  it.each([
    ['GPL-2', 'GPL-2.0-only'],
    ['GPL-2+', 'GPL-2.0-or-later'],
    ['LGPL-2.1+', 'LGPL-2.1-or-later'],
    ['GPLv3+', 'GPL-3.0-or-later'],
    ['GPL', 'GPL-1.0-or-later'],
    ['Expat', 'MIT'],
    ['Artistic', 'Artistic-1.0'],
    ['BSD-3-clause', 'BSD-3-Clause'],
    ['GFDL-NIV-1.3+', 'GFDL-1.3-no-invariants-or-later'],
    ['GPL-3+ with Bison exception', 'GPL-3.0-or-later'],
    ['GPL-1+ or Artistic', 'GPL-1.0-or-later OR Artistic-1.0'],
    ['GPL-1+ or Artistic, and Unicode', '(GPL-1.0-or-later OR Artistic-1.0) AND LicenseRef-Unicode'],
    ['BSD-3-clause and MIT', 'BSD-3-Clause AND MIT'],
    ['Different licenses apply to different files', null],
    ['', null],
  ])('%s → %s', (short, spdx) => {
    expect(debianLicenseToSpdx(short)).toBe(spdx);
  });
});

describe('file lists', () => {
  it('reads info/*.list without the root entry', () => {
    expect(parseFileList(Buffer.from('/.\n/usr\n/usr/bin/logger\n\nrelative\n'))).toEqual(['/usr', '/usr/bin/logger']);
  });

  it('reads md5sums as absolute paths, skipping malformed lines', () => {
    const md5 = 'd2c5e4b7c7e9d3f0a1b2c3d4e5f60718  usr/lib/a b.so\nbad\n0123456789abcdef0123456789abcdef */abs\n';
    expect(parseMd5sums(Buffer.from(md5))).toEqual(['/usr/lib/a b.so', '/abs']);
  });
});
