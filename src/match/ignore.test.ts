// Ignore files written to a real directory and read back: the format, its strictness and expiry.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectSextantError } from '../../test/support/sextant-error.ts';
import { ignoreEntryExpired, loadIgnoreFile } from './ignore.ts';

const dir = mkdtempSync(join(tmpdir(), 'sextant-ignore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function write(text: string): string {
  const path = join(dir, `ignore-${++counter}.yaml`);
  writeFileSync(path, text);
  return path;
}

const expectError = (path: string, code: string, message: RegExp) => expectSextantError(loadIgnoreFile(path), code, message);

describe('loadIgnoreFile', () => {
  it('reads entries with id, purl, expiry and reason, comments and all', async () => {
    const path = write(
      [
        '# accepted risks, reviewed monthly',
        'ignore:',
        '  - id: CVE-2023-1234          # any id of the vulnerability',
        '    purl: pkg:npm/lodash',
        '    expires: 2026-12-31',
        '    reason: not reachable from our code',
        '  - id: GHSA-p6mc-m468-83gw',
        "  - { id: 'CVE-2020-8203', expires: '2025-01-31' }",
        '',
      ].join('\n'),
    );
    const file = await loadIgnoreFile(path);
    expect(file?.path).toBe(path);
    expect(file?.entries.map(({ purlPattern: _, ...e }) => e)).toEqual([
      { id: 'CVE-2023-1234', purl: 'pkg:npm/lodash', expires: '2026-12-31', reason: 'not reachable from our code', position: 1, line: 3 },
      { id: 'GHSA-p6mc-m468-83gw', purl: null, expires: null, reason: null, position: 2, line: 7 },
      { id: 'CVE-2020-8203', purl: null, expires: '2025-01-31', reason: null, position: 3, line: 8 },
    ]);
    expect(file?.entries[0]?.purlPattern).toMatchObject({ type: 'npm', name: 'lodash', version: null });
  });

  it('takes an empty file, or an empty list, as ignoring nothing', async () => {
    expect((await loadIgnoreFile(write('')))?.entries).toEqual([]);
    expect((await loadIgnoreFile(write('# nothing yet\n')))?.entries).toEqual([]);
    expect((await loadIgnoreFile(write('ignore:\n')))?.entries).toEqual([]);
    expect((await loadIgnoreFile(write('ignore: []\n')))?.entries).toEqual([]);
  });

  it('reads .sextant-ignore.yaml from the directory when no file is named, and nothing when there is none', async () => {
    const here = join(dir, 'project');
    mkdirSync(here);
    expect(await loadIgnoreFile(undefined, here)).toBeNull();
    writeFileSync(join(here, '.sextant-ignore.yaml'), 'ignore:\n  - id: CVE-2024-0001\n');
    expect(await loadIgnoreFile(undefined, here)).toMatchObject({ path: '.sextant-ignore.yaml', entries: [{ id: 'CVE-2024-0001' }] });
  });

  it('rejects a named file that does not exist, and mistakes, with one line naming the file, line and entry', async () => {
    await expectError(join(dir, 'absent.yaml'), 'NOT_FOUND', /^ignore file .*absent\.yaml does not exist$/);
    await expectError(write('ignore:\n  - id: CVE-2023-1234\n    expire: 2026-12-31\n'), 'CORRUPT', /ignore-\d+\.yaml:2: ignore entry 1 \(CVE-2023-1234\): unknown key "expire" \(use id, purl, expires, reason\)/);
    await expectError(write('ignore:\n  - id: CVE-1\n  - purl: pkg:npm/lodash\n    reason: no id here\n'), 'CORRUPT', /ignore-\d+\.yaml:3: ignore entry 2: no id/);
    await expectError(write('ignore:\n  - id: CVE-1\n    expires: 2026-02-30\n'), 'CORRUPT', /ignore entry 1 \(CVE-1\): expires "2026-02-30" is not a date \(write YYYY-MM-DD\)/);
    await expectError(write('ignore:\n  - id: CVE-1\n    expires: 31/12/2026\n'), 'CORRUPT', /expires "31\/12\/2026" is not a date/);
    await expectError(write('ignore:\n  - id: CVE-1\n    purl: npm/lodash\n'), 'CORRUPT', /ignore entry 1 \(CVE-1\): purl "npm\/lodash" is not a package URL/);
    await expectError(write('ignore:\n  - id: 12345\n'), 'CORRUPT', /ignore entry 1: id must be a vulnerability id/);
    await expectError(write('ignore:\n  - CVE-2023-1234\n'), 'CORRUPT', /ignore entry 1: an entry is a mapping with at least an id/);
    await expectError(write('ignores:\n  - id: CVE-1\n'), 'CORRUPT', /ignore-\d+\.yaml:1: unknown key "ignores" \(the file holds one "ignore" list\)/);
    await expectError(write('ignore:\n  id: CVE-1\n'), 'CORRUPT', /"ignore" must be a list of entries/);
    await expectError(write('- id: CVE-1\n'), 'CORRUPT', /expected a mapping with an "ignore" list/);
    await expectError(write('ignore:\n  - id: CVE-1\n   reason: [unclosed\n'), 'CORRUPT', /ignore-\d+\.yaml:\d+: not valid YAML/);
  });
});

describe('ignoreEntryExpired', () => {
  it('keeps an entry until the end of its expiry day in UTC', async () => {
    const file = await loadIgnoreFile(write('ignore:\n  - id: CVE-1\n    expires: 2026-06-30\n  - id: CVE-2\n'));
    const [dated, open] = file?.entries ?? [];
    expect(ignoreEntryExpired(dated!, new Date('2026-06-30T00:00:00Z'))).toBe(false);
    expect(ignoreEntryExpired(dated!, new Date('2026-06-30T23:59:59.999Z'))).toBe(false);
    expect(ignoreEntryExpired(dated!, new Date('2026-07-01T00:00:00Z'))).toBe(true);
    expect(ignoreEntryExpired(open!, new Date('2999-01-01T00:00:00Z'))).toBe(false);
  });
});
