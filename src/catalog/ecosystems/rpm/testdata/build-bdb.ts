// Test helper: writes a one-bucket Berkeley DB hash database (metadata page, one hash page, overflow chains).

/** How to lay the database out. */
export interface BdbSpec {
  pageSize?: number;
  bigEndian?: boolean;
  /** Page checksums on: the item index and overflow data start 6 bytes later. */
  checksum?: boolean;
  /** Key/value pairs; values longer than `inlineMax` go to overflow pages. */
  pairs: { key: number; value: Buffer }[];
  inlineMax?: number;
}

/** A BDB hash database holding `pairs` in bucket 0 (page 1), values spilled to overflow pages after it. */
export function buildBdb(spec: BdbSpec): Buffer {
  const pageSize = spec.pageSize ?? 1024;
  const be = spec.bigEndian ?? false;
  const overhead = spec.checksum ? 32 : 26;
  const inlineMax = spec.inlineMax ?? 64;
  const pages: Buffer[] = [Buffer.alloc(pageSize), Buffer.alloc(pageSize)];
  const u32 = (b: Buffer, at: number, v: number): void => void (be ? b.writeUInt32BE(v, at) : b.writeUInt32LE(v, at));
  const u16 = (b: Buffer, at: number, v: number): void => void (be ? b.writeUInt16BE(v, at) : b.writeUInt16LE(v, at));

  const items: Buffer[] = [];
  for (const { key, value } of spec.pairs) {
    const k = Buffer.alloc(5);
    k[0] = 1;
    u32(k, 1, key);
    items.push(k);
    if (value.length <= inlineMax) {
      items.push(Buffer.concat([Buffer.from([1]), value]));
      continue;
    }
    const first = pages.length;
    const room = pageSize - overhead;
    for (let off = 0; off < value.length; off += room) {
      const page = Buffer.alloc(pageSize);
      const chunk = value.subarray(off, off + room);
      u32(page, 8, pages.length);
      u32(page, 16, off + room < value.length ? pages.length + 1 : 0);
      u16(page, 22, chunk.length);
      page[25] = 7;
      chunk.copy(page, overhead);
      pages.push(page);
    }
    const ref = Buffer.alloc(12);
    ref[0] = 3;
    u32(ref, 4, first);
    u32(ref, 8, value.length);
    items.push(ref);
  }

  const hash = pages[1] as Buffer;
  u32(hash, 8, 1);
  u16(hash, 20, items.length);
  hash[25] = 13;
  let end = pageSize;
  items.forEach((it, i) => {
    end -= it.length;
    it.copy(hash, end);
    u16(hash, overhead + 2 * i, end);
  });
  u16(hash, 22, end);

  const meta = pages[0] as Buffer;
  u32(meta, 12, 0x061561);
  u32(meta, 16, 9);
  u32(meta, 20, pageSize);
  meta[25] = 8;
  meta[26] = spec.checksum ? 1 : 0;
  u32(meta, 32, pages.length - 1);
  u32(meta, 72, 0); // max_bucket
  u32(meta, 96, 1); // spares[0]: bucket 0 lives on page 1
  return Buffer.concat(pages);
}
