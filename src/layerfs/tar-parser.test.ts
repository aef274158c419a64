import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTar, rawTarHeader, TAR_END } from '../../test/support/tar-builder.ts';
import { type TarEntry, TarParser } from './tar-parser.ts';

/** Parse `bytes` fed in chunks of `chunk` bytes; capture the content of files whose name passes `want`. */
function parse(bytes: Buffer, chunk = bytes.length || 1, want: (name: string) => boolean = () => true) {
  const entries: TarEntry[] = [];
  const contents = new Map<string, string>();
  let current: { name: string; parts: Buffer[] } | null = null;
  const parser = new TarParser(
    {
      entry(e) {
        entries.push(e);
        if (e.typeflag !== '0' || !want(e.name)) return false;
        current = { name: e.name, parts: [] };
        return true;
      },
      data(c) {
        current?.parts.push(Buffer.from(c));
      },
      entryEnd() {
        if (current) contents.set(current.name, Buffer.concat(current.parts).toString());
        current = null;
      },
    },
    'layer 0',
  );
  for (let i = 0; i < bytes.length; i += chunk) parser.write(bytes.subarray(i, i + chunk));
  parser.end();
  return { entries, contents };
}

describe('TarParser', () => {
  it('reports entries and content identically whatever the chunking', async () => {
    const long = `deep/${'d'.repeat(120)}/${'f'.repeat(90)}.txt`;
    const tar = await buildTar([
      { name: 'etc/', type: 'dir' },
      { name: 'etc/os-release', content: 'ID=debian\n' },
      { name: long, content: 'x'.repeat(1500) },
      { name: 'empty', content: '' },
      { name: 'etc/link', type: 'symlink', linkname: '../usr/lib/os-release' },
      { name: 'hard', type: 'link', linkname: 'etc/os-release' },
      { name: 'dev/null', type: 'char' },
      { name: 'run/fifo', type: 'fifo' },
      { name: 'bin/sh', content: Buffer.alloc(70_000, 1), mode: 0o4755, uid: 1000, gid: 50 },
    ]);
    const whole = parse(tar);
    expect(whole.entries.map((e) => [e.name, e.typeflag])).toEqual([
      ['etc/', '5'],
      ['etc/os-release', '0'],
      [long, '0'],
      ['empty', '0'],
      ['etc/link', '2'],
      ['hard', '1'],
      ['dev/null', '3'],
      ['run/fifo', '6'],
      ['bin/sh', '0'],
    ]);
    expect(whole.entries[4]?.linkname).toBe('../usr/lib/os-release');
    expect(whole.entries[8]).toMatchObject({ size: 70_000, mode: 0o4755, uid: 1000, gid: 50 });
    expect(whole.contents.get(long)).toBe('x'.repeat(1500));
    expect(whole.contents.get('empty')).toBe(''); // asked-for empty files still end
    for (const chunk of [1, 7, 511, 512, 513, 4096]) {
      const parsed = parse(tar, chunk);
      expect(parsed.entries).toEqual(whole.entries);
      expect(parsed.contents).toEqual(whole.contents);
    }
  });

  it('reads GNU long names and links, and base-256 sizes, as GNU tar writes them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sextant-gnu-tar-'));
    try {
      const name = `${'n'.repeat(150)}.txt`;
      mkdirSync(join(dir, 'root'));
      writeFileSync(join(dir, 'root', name), 'long name content');
      symlinkSync(`${'t'.repeat(140)}/target`, join(dir, 'root', 'l'));
      execFileSync('tar', ['--format=gnu', '-C', join(dir, 'root'), '-cf', join(dir, 'gnu.tar'), '.']);
      const { entries, contents } = parse(readFileSync(join(dir, 'gnu.tar')), 1000);
      expect(contents.get(`./${name}`)).toBe('long name content');
      expect(entries.find((e) => e.name === './l')?.linkname).toBe(`${'t'.repeat(140)}/target`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // A header whose size field is GNU base-256 (binary) rather than octal.
    const header = rawTarHeader({ name: 'big', size: 0 });
    header.fill(0, 124, 136);
    header[124] = 0x80;
    header.writeUInt32BE(1024, 132);
    let sum = 8 * 32;
    for (let i = 0; i < 512; i++) if (i < 148 || i >= 156) sum += header[i] as number;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const { entries } = parse(Buffer.concat([header, Buffer.alloc(1024, 7), TAR_END]));
    expect(entries[0]).toMatchObject({ name: 'big', size: 1024 });
  });

  it('accepts an empty stream and an archive without end-of-archive blocks', async () => {
    expect(parse(Buffer.alloc(0)).entries).toEqual([]);
    const tar = await buildTar([{ name: 'a', content: 'abc' }]);
    expect(parse(tar.subarray(0, 1024)).entries).toHaveLength(1);
  });

  it('refuses truncation inside a header, a body or its padding', async () => {
    const tar = await buildTar([{ name: 'a', content: 'x'.repeat(600) }, { name: 'b', content: 'y' }]);
    for (const cut of [100, 700, 1100, 1536 + 10]) {
      expect(() => parse(tar.subarray(0, cut))).toThrow(/truncated tar/);
    }
  });

  it('refuses bad checksums, garbage after the end marker, and oversized pax records', async () => {
    const tar = await buildTar([{ name: 'a', content: 'abc' }]);
    const bad = Buffer.from(tar);
    bad[5] = 0x7a;
    expect(() => parse(bad)).toThrow(/bad header checksum at byte 0/);
    expect(() => parse(Buffer.concat([tar, Buffer.from('junk')]))).toThrow(/after the end-of-archive marker/);
    const pax = rawTarHeader({ name: 'PaxHeader', size: 2 << 20, typeflag: 'x' });
    expect(() => parse(pax)).toThrow(/oversized tar metadata/);
  });
});
