// cargo-auditable dependency data in executables: finding the zlib-compressed `.dep-v0` JSON in a byte stream
// (the section table sits at the end of the file, so the section is recognised by its content), inflating it with
// a bounded output, and the crates it lists.
import { Unzlib } from 'fflate';
import type { ParseContext } from '../../cataloger.ts';
import type { Package } from '../../../core/package.ts';
import { makePurl } from '../../purl.ts';
import type { BinaryInspector } from './elf.ts';
import { NeedleScanner } from './needle-scanner.ts';
import { buildPackage } from '../../package-builder.ts';

/** zlib headers with a 32 KiB deflate window, one per compression level class. */
const ZLIB_HEADERS = [0x01, 0x5e, 0x9c, 0xda].map((flg) => Buffer.from([0x78, flg]));
/** Seen in every binary linking Rust's standard library (panic locations); the `.dep-v0` search starts after it. */
const RUST_MARKER = Buffer.from('/rustc/');
/** Compressed bytes tried per candidate: enough for a dynamic Huffman block header and the first literals. */
const PROBE_BYTES = 512;
const PREFIX = '{"packages":';
/** Most JSON inflated from one binary; a larger stream is a bomb or not cargo-auditable's. */
export const MAX_AUDIT_JSON_BYTES = 8 * 2 ** 20;
/** Compressed bytes handed to the inflater at once, so one call can never produce more than ~1000× this. */
const FEED_BYTES = 4096;

/** One crate as cargo-auditable records it. */
export interface AuditCrate {
  name: string;
  version: string;
  /** `crates.io`, `git`, `local`, `registry` or `other`. */
  source: string;
  /** `runtime` (the default) or `build`. */
  kind: string;
  /** Indexes into the package list. */
  dependencies: number[];
  root: boolean;
}

/** Tracks JSON nesting across chunks to tell where the top-level value ends. */
class JsonEnd {
  private depth = 0;
  private inString = false;
  private escaped = false;

  /** The index just past the end of the top-level value within `data`, or -1 when it has not ended yet. */
  scan(data: Uint8Array): number {
    for (let i = 0; i < data.length; i++) {
      const c = data[i] as number;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === 0x5c) this.escaped = true;
        else if (c === 0x22) this.inString = false;
      } else if (c === 0x22) {
        this.inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        this.depth++;
      } else if ((c === 0x7d || c === 0x5d) && --this.depth === 0) {
        return i + 1;
      }
    }
    return -1;
  }
}

/** Inflate the start of a candidate stream; true when it reads as cargo-auditable's JSON. */
function probe(view: Buffer, at: number): boolean {
  // The first deflate block's type: 3 is reserved, so such a candidate is not a zlib stream.
  if (view.length > at + 2 && ((view[at + 2] as number) & 0x6) === 0x6) return false;
  let out = '';
  try {
    const inflater = new Unzlib((data) => {
      if (out.length < PREFIX.length) out += Buffer.from(data.buffer, data.byteOffset, Math.min(data.length, 64)).toString('latin1');
    });
    inflater.push(view.subarray(at, at + PROBE_BYTES), false);
  } catch {
    return false;
  }
  return out.startsWith(PREFIX);
}

/** Validate cargo-auditable JSON into crates; entries without a name and version are dropped (indexes kept). */
export function parseAuditJson(text: string): (AuditCrate | null)[] | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  const list = doc && typeof doc === 'object' ? (doc as Record<string, unknown>)['packages'] : undefined;
  if (!Array.isArray(list)) return null;
  return list.map((raw): AuditCrate | null => {
    if (!raw || typeof raw !== 'object') return null;
    const p = raw as Record<string, unknown>;
    if (typeof p['name'] !== 'string' || typeof p['version'] !== 'string' || !p['name'] || !p['version']) return null;
    const deps = Array.isArray(p['dependencies']) ? p['dependencies'].filter((d): d is number => Number.isInteger(d) && d >= 0 && d < list.length) : [];
    return {
      name: p['name'],
      version: p['version'],
      source: typeof p['source'] === 'string' ? p['source'] : 'crates.io',
      kind: typeof p['kind'] === 'string' ? p['kind'] : 'runtime',
      dependencies: deps,
      root: p['root'] === true,
    };
  });
}

/** What the inspector keeps for one binary: the crates, or why there are none. */
export type RustAuditResult = { crates: (AuditCrate | null)[] } | { error: string };

/**
 * A streaming inspector for one ELF file: finds the first zlib stream whose start inflates to
 * `{"packages":`, inflates the rest a slice at a time with at most MAX_AUDIT_JSON_BYTES of output, and returns
 * the crates. Streams that grow past the limit or fail to inflate end the search with an error result.
 */
export function rustAuditInspector(options: { gated?: boolean } = {}): BinaryInspector {
  // Trying every zlib-looking byte pair of every executable is costly (inflation attempts, thrown errors), so the
  // search starts only once the file has shown itself to be Rust: the standard library's panic locations name
  // `/rustc/<commit>/library/…` in .rodata, and the linker places `.dep-v0` after .rodata (an orphan read-only
  // section) or at the end (a non-allocated one).
  let gate: NeedleScanner | null = options.gated === false ? null : new NeedleScanner([RUST_MARKER], RUST_MARKER.length, () => true);
  let scanner: NeedleScanner | null = new NeedleScanner(ZLIB_HEADERS, PROBE_BYTES, (view, at) => probe(view, at));
  let inflater: Unzlib | null = null;
  let parts: Buffer[] = [];
  let size = 0;
  let finished = false;
  let error: string | null = null;

  const inflate = (chunk: Buffer): void => {
    for (let i = 0; i < chunk.length && inflater && !finished && !error; i += FEED_BYTES) {
      try {
        // fflate may keep its input between pushes, and the walk reuses the buffers it writes from: copy.
        inflater.push(Uint8Array.prototype.slice.call(chunk, i, i + FEED_BYTES), false);
      } catch (err) {
        error = `corrupt .dep-v0 stream (${(err as Error).message})`;
      }
    }
  };
  const start = (rest: Buffer): void => {
    const json = new JsonEnd();
    inflater = new Unzlib((data) => {
      if (error || finished) return;
      // The inflater reports no end of stream until told the input has ended, which a stream never says: the
      // JSON closing its top-level object is the end.
      const end = json.scan(data);
      const take = end < 0 ? data.length : end;
      size += take;
      if (size > MAX_AUDIT_JSON_BYTES) {
        error = `.dep-v0 JSON larger than ${MAX_AUDIT_JSON_BYTES} bytes`;
        parts = [];
        return;
      }
      // fflate may reuse its output buffer between calls, so keep a copy.
      parts.push(Buffer.from(data.subarray(0, take)));
      if (end >= 0) finished = true;
    });
    inflate(rest);
  };
  return {
    write(chunk) {
      if (finished || error) return;
      if (inflater) return inflate(chunk);
      if (gate) {
        const opened = gate.push(chunk);
        if (!opened) return;
        gate = null;
        chunk = opened.rest;
      }
      const hit = scanner?.push(chunk);
      if (hit) {
        scanner = null;
        start(hit.rest);
      }
    },
    end() {
      if (gate) return undefined;
      if (scanner) {
        const hit = scanner.finish();
        scanner = null;
        if (hit) start(hit.rest);
      }
      if (!inflater) return undefined;
      if (error) return { error };
      if (!finished) return { error: 'truncated .dep-v0 stream' };
      const crates = parseAuditJson(Buffer.concat(parts).toString('utf8'));
      parts = [];
      return crates ? { crates } : { error: '.dep-v0 is not cargo-auditable JSON' };
    },
  };
}

/**
 * The crates of one cargo-auditable binary as cargo packages: the root crate (the binary's own) is marked
 * `metadata.root`, the crates it depends on are direct, the rest transitive (null for all when no root is
 * recorded). `source` and `kind` (build-time dependencies) are kept in metadata.
 */
export function rustAuditPackages(crates: readonly (AuditCrate | null)[], ctx: ParseContext): Package[] {
  const root = crates.find((c) => c?.root) ?? null;
  const direct = new Set(root ? root.dependencies : []);
  const out: Package[] = [];
  crates.forEach((c, i) => {
    if (!c) return;
    out.push(buildPackage(
      {
        type: 'cargo',
        name: c.name,
        version: c.version,
        purl: makePurl({ type: 'cargo', name: c.name, version: c.version }),
        direct: root === null || c === root ? null : direct.has(i),
        dependsOn: c.dependencies.map((d) => crates[d]?.name).filter((n): n is string => n !== undefined),
        metadata: { source: c.source, ...(c.kind !== 'runtime' ? { kind: c.kind } : {}), ...(c.root ? { root: true } : {}) },
      },
      ctx,
    ));
  });
  return out;
}
