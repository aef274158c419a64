// The ELF section table reader against binutils' readelf, and the gated inspectors reading files by section.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RandomAccessFile } from '../../../layerfs/types.ts';
import { elfGated, readSectionTable } from './elf.ts';
import { goBuildInfoInspector } from './parse-go-buildinfo.ts';
import { rustAuditInspector } from './parse-rust-audit.ts';
import { AUDIT_JSON, buildAuditableElf, buildGoBinary, feed, hasTool } from './test-binaries.ts';

const haveTools = hasTool('go', ['version']) && hasTool('gcc') && hasTool('objcopy') && hasTool('readelf');

/** A buffer as a RandomAccessFile that counts the bytes read from it. */
function inMemory(buf: Buffer): RandomAccessFile & { bytesRead: number } {
  return {
    size: buf.length,
    bytesRead: 0,
    async read(offset, length) {
      const out = buf.subarray(offset, Math.min(buf.length, offset + length));
      this.bytesRead += out.length;
      return out;
    },
  };
}

/** Sections as `readelf -SW` lists them (index 0, the null section, left out): name, file offset and size. */
function readelfSections(path: string): { name: string; offset: number; size: number }[] {
  const out = execFileSync('readelf', ['-SW', path], { encoding: 'utf8' });
  const rows: { name: string; offset: number; size: number }[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*\[\s*(\d+)\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+)\s+([0-9a-f]+)/.exec(line);
    if (m && m[1] !== '0') rows.push({ name: m[2] as string, offset: parseInt(m[3] as string, 16), size: parseInt(m[4] as string, 16) });
  }
  return rows;
}

let dir: string;
const binaries: Record<string, string> = {};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-elf-'));
  if (!haveTools) return;
  await writeFile(join(dir, 'hello.c'), 'int answer = 42;\nconst char greeting[] = "hello";\nint main(void) { return answer; }\n');
  execFileSync('gcc', ['-o', join(dir, 'hello'), join(dir, 'hello.c')]);
  execFileSync('gcc', ['-c', '-o', join(dir, 'hello.o'), join(dir, 'hello.c')]);
  execFileSync('objcopy', ['-O', 'elf32-i386', join(dir, 'hello.o'), join(dir, 'hello32.o')]);
  binaries['gcc executable (64-bit little-endian)'] = join(dir, 'hello');
  binaries['i386 object (32-bit little-endian)'] = join(dir, 'hello32.o');
  await mkdir(join(dir, 'go-amd64'));
  binaries['Go executable (64-bit little-endian)'] = await buildGoBinary(join(dir, 'go-amd64'));
  await mkdir(join(dir, 'go-mips'));
  binaries['Go mips executable (32-bit big-endian)'] = await buildGoBinary(join(dir, 'go-mips'), 'mips');
  await mkdir(join(dir, 'rust'));
  binaries['cargo-auditable ELF'] = buildAuditableElf(join(dir, 'rust'), AUDIT_JSON);
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!haveTools)('readSectionTable', () => {
  it('lists the sections readelf lists, with the same offsets and sizes, for 32/64-bit and both byte orders', async () => {
    for (const [what, path] of Object.entries(binaries)) {
      const table = await readSectionTable(inMemory(await readFile(path)));
      expect(table, what).not.toBeNull();
      const theirs = readelfSections(path);
      const ours = (table ?? []).slice(1);
      expect(ours.map((s) => s.name), what).toEqual(theirs.map((s) => s.name));
      // Sections with bytes in the file (not .bss and the like) must be found exactly where readelf says.
      for (const s of ours.filter((sec) => sec.hasData)) expect(theirs.find((r) => r.name === s.name), `${what} ${s.name}`).toEqual({ name: s.name, offset: s.offset, size: s.size });
    }
  });

  it('gives null for a file whose section table is gone or lies outside it', async () => {
    const bin = await readFile(binaries['Go executable (64-bit little-endian)'] as string);
    const noTable = Buffer.from(bin);
    noTable.writeBigUInt64LE(0n, 0x28); // e_shoff
    expect(await readSectionTable(inMemory(noTable))).toBeNull();
    const outside = Buffer.from(bin);
    outside.writeBigUInt64LE(BigInt(bin.length), 0x28);
    expect(await readSectionTable(inMemory(outside))).toBeNull();
    expect(await readSectionTable(inMemory(Buffer.from('not an elf file at all, just text')))).toBeNull();
  });
});

describe.skipIf(!haveTools)('gated inspectors on files read by offset', () => {
  const go = () => elfGated(goBuildInfoInspector, { names: ['.go.buildinfo'], make: goBuildInfoInspector });
  const rust = () => elfGated(rustAuditInspector, { names: ['.dep-v0'], make: () => rustAuditInspector({ gated: false }) });

  it('reads Go build info from its section alone, as streaming the whole file finds it, in both byte orders', async () => {
    for (const what of ['Go executable (64-bit little-endian)', 'Go mips executable (32-bit big-endian)']) {
      const bin = await readFile(binaries[what] as string);
      const file = inMemory(bin);
      const byOffset = await go().readFrom?.(file);
      expect(byOffset, what).toMatchObject({ path: 'example.com/app', deps: expect.arrayContaining([expect.objectContaining({ path: 'example.com/dep', version: 'v1.2.3' })]) });
      expect(byOffset).toEqual(feed(go(), bin, 1 << 20));
      expect(file.bytesRead, what).toBeLessThan(bin.length / 10);
    }
  });

  it('reads cargo-auditable data from .dep-v0 alone, as streaming finds it', async () => {
    const bin = await readFile(binaries['cargo-auditable ELF'] as string);
    const byOffset = await rust().readFrom?.(inMemory(bin));
    expect(byOffset).toMatchObject({ crates: expect.arrayContaining([expect.objectContaining({ name: 'serde', version: '1.0.197' })]) });
    expect(byOffset).toEqual(feed(rust(), bin, 4096));
  });

  it('reads only the header of an ELF file without the sections, and nothing more of a non-ELF file', async () => {
    const c = inMemory(await readFile(binaries['gcc executable (64-bit little-endian)'] as string));
    expect(await go().readFrom?.(c)).toBeUndefined();
    expect(c.bytesRead).toBeLessThan(c.size / 2);
    const text = inMemory(Buffer.alloc(100_000, 'x'));
    expect(await go().readFrom?.(text)).toBeUndefined();
    expect(text.bytesRead).toBe(4);
  });

  it('falls back to reading the whole file when the section table is gone', async () => {
    const bin = Buffer.from(await readFile(binaries['Go executable (64-bit little-endian)'] as string));
    bin.writeBigUInt64LE(0n, 0x28);
    const file = inMemory(bin);
    expect(await go().readFrom?.(file)).toMatchObject({ path: 'example.com/app' });
    expect(file.bytesRead).toBeGreaterThanOrEqual(bin.length);
  });
});
