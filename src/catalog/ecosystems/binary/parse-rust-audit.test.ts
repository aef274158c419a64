// Tests of the cargo-auditable reader: compressed JSON found in chunks of 1, 7 and 4096 bytes, hostile streams
// (zlib bomb, truncation, corruption), and a real ELF given a `.dep-v0` section by objcopy.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { elfGated } from './elf.ts';
import { MAX_AUDIT_JSON_BYTES, rustAuditInspector, rustAuditPackages } from './parse-rust-audit.ts';
import type { RustAuditResult } from './parse-rust-audit.ts';
import { AUDIT_JSON, buildAuditableElf, fakeElf, feed, hasTool, rustElf, zlibJson } from './test-binaries.ts';

const ctx = { location: { path: '/usr/bin/app', layerDigest: null }, distro: null, foundBy: 'rust-binary@1', readFile: async () => undefined };
const inspect = (bytes: Buffer, size: number) => feed(elfGated(rustAuditInspector), bytes, size) as RustAuditResult | undefined;

describe('cargo-auditable stream', () => {
  it.each([1, 7, 4096])('finds and inflates the JSON in chunks of %i bytes, past decoy zlib headers', (size) => {
    const decoys = Buffer.concat([deflateSync(Buffer.from('{"other":1}')), Buffer.from([0x78, 0x9c, 0xff, 0x00, 0x78, 0xda])]);
    for (const level of [1, 6, 9]) {
      const r = inspect(rustElf(Buffer.concat([decoys, zlibJson(AUDIT_JSON, level)])), size);
      expect(r && 'crates' in r ? r.crates.map((c) => c?.name) : r).toEqual(['app', 'serde', 'serde_derive', 'mygit']);
    }
  });

  it('stops a zlib bomb at the JSON limit', () => {
    const bomb = deflateSync(Buffer.concat([Buffer.from('{"packages":[{"name":"'), Buffer.alloc(64 * 2 ** 20, 0x61)]));
    const started = Date.now();
    expect(inspect(rustElf(bomb), 65536)).toEqual({ error: `.dep-v0 JSON larger than ${MAX_AUDIT_JSON_BYTES} bytes` });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('reports truncated and corrupt streams without throwing', () => {
    const z = zlibJson(AUDIT_JSON);
    expect(inspect(rustElf(z.subarray(0, z.length - 20), 3000, 0), 7)).toEqual({ error: 'truncated .dep-v0 stream' });
    const corrupt = Buffer.from(z);
    for (let i = 40; i < corrupt.length; i++) corrupt[i] = 0xff;
    const r = inspect(rustElf(corrupt), 4096);
    expect(r === undefined || 'error' in r).toBe(true);
    expect(inspect(rustElf(zlibJson('{"packages": 5}')), 4096)).toEqual({ error: '.dep-v0 is not cargo-auditable JSON' });
    expect(inspect(rustElf(Buffer.alloc(10000, 0x78)), 4096)).toBeUndefined();
    // Without any sign of Rust, zlib-looking bytes are not even tried: non-Rust executables cost a marker search.
    expect(inspect(fakeElf(zlibJson(AUDIT_JSON)), 4096)).toBeUndefined();
  });
});

describe('rustAuditPackages', () => {
  it('marks the root, direct and transitive crates, and keeps source and kind', () => {
    const r = inspect(rustElf(zlibJson(AUDIT_JSON)), 4096);
    const pkgs = rustAuditPackages(r && 'crates' in r ? r.crates : [], ctx);
    expect(pkgs.map((p) => [p.purl, p.direct, p.dependsOn])).toEqual([
      ['pkg:cargo/app@0.1.0', null, ['serde', 'mygit']],
      ['pkg:cargo/serde@1.0.197', true, ['serde_derive']],
      ['pkg:cargo/serde_derive@1.0.197', false, []],
      ['pkg:cargo/mygit@0.3.0', true, []],
    ]);
    expect(pkgs.map((p) => p.metadata)).toEqual([
      { source: 'local', root: true },
      { source: 'crates.io' },
      { source: 'crates.io', kind: 'build' },
      { source: 'git' },
    ]);
  });
});

describe.skipIf(!hasTool('gcc') || !hasTool('objcopy'))('a real ELF with a .dep-v0 section (gcc + objcopy)', () => {
  it('reads the section in any chunking', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sextant-rust-'));
    try {
      const bytes = await readFile(buildAuditableElf(dir, AUDIT_JSON));
      for (const size of [1, 7, 4096]) {
        const r = inspect(bytes, size);
        expect(r && 'crates' in r ? r.crates.map((c) => `${c?.name}@${c?.version}`) : r).toEqual(['app@0.1.0', 'serde@1.0.197', 'serde_derive@1.0.197', 'mygit@0.3.0']);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
