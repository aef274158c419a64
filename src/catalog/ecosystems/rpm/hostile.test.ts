// Hostile input: corrupted, truncated and self-referencing rpm databases end in packages or CORRUPT, never a crash or a hang.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSextantError } from '../../../core/errors.ts';
import type { ParseContext, Parser } from '../../cataloger.ts';
import { parseRpmBdb } from './parse-bdb.ts';
import { parseRpmNdb } from './parse-ndb.ts';
import { parseRpmSqlite } from './parse-sqlite.ts';

const fixtures = new URL('../../../../../shared/vectors/fixtures/', import.meta.url);
const ctx: ParseContext = { location: { path: '/var/lib/rpm/db', layerDigest: null }, distro: null, foundBy: 'rpm-db@1', readFile: () => Promise.resolve(undefined) };

// A small deterministic generator, so a failure reproduces.
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function survives(parse: Parser, bytes: Buffer): Promise<number> {
  try {
    return (await parse(bytes, ctx)).length;
  } catch (err) {
    expect(isSextantError(err, 'CORRUPT'), String(err)).toBe(true);
    return -1;
  }
}

const CASES: { name: string; file: string; parse: Parser; rounds: number }[] = [
  { name: 'Berkeley DB', file: 'rpm-bdb/go-rpmdb__libuuid/Packages', parse: parseRpmBdb, rounds: 300 },
  { name: 'NDB', file: 'rpm-ndb/go-rpmdb__sle15-bci/Packages.db', parse: parseRpmNdb, rounds: 150 },
  { name: 'SQLite', file: 'rpm-sqlite/go-rpmdb__cbl-mariner-2.0/rpmdb.sqlite', parse: parseRpmSqlite, rounds: 20 },
];

describe('hostile rpm databases', () => {
  for (const { name, file, parse, rounds } of CASES) {
    it(`${name}: random byte damage and truncation`, async () => {
      const original = readFileSync(new URL(file, fixtures));
      const rand = prng(0x5e7a47);
      for (let round = 0; round < rounds; round++) {
        const bytes = Buffer.from(original);
        for (let k = 0; k < 64; k++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
        await survives(parse, bytes);
        await survives(parse, original.subarray(0, Math.floor(rand() * original.length)));
      }
    });

    it(`${name}: not a database at all is CORRUPT`, async () => {
      await expect((async () => parse(Buffer.from('hello, world'), ctx))()).rejects.toSatisfy((e) => isSextantError(e, 'CORRUPT'));
    });
  }

  it('Berkeley DB: an overflow chain pointing at itself ends', async () => {
    const bytes = Buffer.from(readFileSync(new URL(CASES[0]!.file, fixtures)));
    const pageSize = bytes.readUInt32LE(20);
    // Every overflow page's next pointer aimed at itself: the chain must stop, and the package is skipped.
    for (let pg = 1; pg * pageSize < bytes.length; pg++) if (bytes[pg * pageSize + 25] === 7) bytes.writeUInt32LE(pg, pg * pageSize + 16);
    expect(await survives(parseRpmBdb, bytes)).toBe(0);
  });

  it('Berkeley DB: bucket chains that loop end', async () => {
    const bytes = Buffer.from(readFileSync(new URL(CASES[0]!.file, fixtures)));
    const pageSize = bytes.readUInt32LE(20);
    for (let pg = 1; pg * pageSize < bytes.length; pg++) if (bytes[pg * pageSize + 25] === 13) bytes.writeUInt32LE(pg, pg * pageSize + 16);
    expect(await survives(parseRpmBdb, bytes)).toBe(1);
  });

  it('NDB: slots pointing outside the file are skipped', async () => {
    const bytes = Buffer.from(readFileSync(new URL(CASES[1]!.file, fixtures)));
    bytes.writeUInt32LE(0xfffffff0, 32 + 8);
    bytes.writeUInt32LE(0xffffffff, 48 + 12);
    expect(await survives(parseRpmNdb, bytes)).toBe(33);
  });
});
