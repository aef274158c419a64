// Tests for the Berkeley DB reader on databases built here: byte orders, page checksums, inline and overflow values.
import { describe, expect, it } from 'vitest';
import { readBdbBlobs } from './parse-bdb.ts';
import { buildBdb } from './testdata/build-bdb.ts';
import { packageHeader } from './testdata/build-header.ts';

const big = packageHeader('glibc', '2.28', '236.el8', [[1004, { s: 'x'.repeat(3000) }]]);
const small = Buffer.from('tiny value');

describe('readBdbBlobs', () => {
  for (const bigEndian of [false, true]) {
    for (const checksum of [false, true]) {
      it(`reads ${bigEndian ? 'big' : 'little'}-endian pages${checksum ? ' with page checksums' : ''}`, () => {
        const db = buildBdb({ bigEndian, checksum, pairs: [{ key: 0, value: Buffer.from([0, 0, 0, 3]) }, { key: 7, value: big }, { key: 2, value: small }] });
        const got = [...readBdbBlobs(db, '/var/lib/rpm/Packages')].sort((a, b) => a.key - b.key);
        expect(got.map((b) => b.key)).toEqual([0, 2, 7]);
        expect(got[1]?.blob.equals(small)).toBe(true);
        expect(got[2]?.blob.equals(big)).toBe(true);
      });
    }
  }

  it('skips an overflow value whose chain is shorter than its recorded length', () => {
    const db = buildBdb({ pairs: [{ key: 1, value: big }] });
    // The hash page's one H_OFFPAGE item claims one more byte than the chain holds.
    const itemAt = db.readUInt16LE(1024 + 26 + 2);
    db.writeUInt32LE(big.length + 1, 1024 + itemAt + 8);
    expect(readBdbBlobs(db, 'x')).toEqual([]);
  });
});
