// Test helper: writes rpm header blobs (index entries + data store, big-endian) from a list of typed tag values.

/** One tag's value: a string, a string array, 32-bit integers, or binary bytes. */
export type TagValue = { s: string } | { i18n: string } | { a: string[] } | { i32: number[] } | { bin: Buffer };

/** A header blob as rpm stores it in its databases, entries in the order given (later duplicates win when read). */
export function buildHeader(tags: [number, TagValue][]): Buffer {
  const index: Buffer[] = [];
  const data: Buffer[] = [];
  let size = 0;
  const push = (b: Buffer): void => {
    data.push(b);
    size += b.length;
  };
  for (const [tag, value] of tags) {
    let type: number;
    let count: number;
    let bytes: Buffer;
    if ('s' in value) [type, count, bytes] = [6, 1, Buffer.from(`${value.s}\0`)];
    else if ('i18n' in value) [type, count, bytes] = [9, 1, Buffer.from(`${value.i18n}\0`)];
    else if ('a' in value) [type, count, bytes] = [8, value.a.length, Buffer.from(value.a.map((x) => `${x}\0`).join(''))];
    else if ('bin' in value) [type, count, bytes] = [7, value.bin.length, value.bin];
    else {
      type = 4;
      count = value.i32.length;
      // Integers are aligned to their width in the data store.
      if (size % 4) push(Buffer.alloc(4 - (size % 4)));
      bytes = Buffer.alloc(4 * count);
      value.i32.forEach((n, k) => bytes.writeUInt32BE(n, 4 * k));
    }
    const entry = Buffer.alloc(16);
    entry.writeUInt32BE(tag, 0);
    entry.writeUInt32BE(type, 4);
    entry.writeUInt32BE(size, 8);
    entry.writeUInt32BE(count, 12);
    index.push(entry);
    push(bytes);
  }
  const head = Buffer.alloc(8);
  head.writeUInt32BE(index.length, 0);
  head.writeUInt32BE(size, 4);
  return Buffer.concat([head, ...index, ...data]);
}

/** A minimal package header: name, version, release, arch, plus any extra tags. */
export function packageHeader(name: string, version: string, release: string, extra: [number, TagValue][] = []): Buffer {
  return buildHeader([
    [1000, { s: name }],
    [1001, { s: version }],
    [1002, { s: release }],
    [1022, { s: 'x86_64' }],
    ...extra,
  ]);
}
