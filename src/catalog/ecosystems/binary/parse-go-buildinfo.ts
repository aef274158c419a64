// Go build info in executables: finding the `\xff Go buildinf:` blob in a byte stream, reading the Go 1.18+
// inline format (Go version, module info), parsing module info, and the packages it names.
import type { ParseContext } from '../../cataloger.ts';
import type { Package } from '../../../core/package.ts';
import { goModulePackage } from '../go/go-module.ts';
import type { BinaryInspector } from './elf.ts';
import { NeedleScanner } from './needle-scanner.ts';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_BYTES = 32;
/** Flag bit of the Go 1.18+ format, where strings follow the header instead of being pointed to. */
const FLAG_INLINE = 0x2;
const MAX_VERSION_BYTES = 1024;
/** Module info of the largest real binaries is tens of KiB; anything past this is not build info. */
export const MAX_MODINFO_BYTES = 4 * 2 ** 20;
const SENTINEL_BYTES = 16;

/** One module of a build: path, version, go.sum hash, and what a `replace` directive put in its place. */
export interface GoModule {
  path: string;
  version: string;
  sum: string | null;
  replace: { path: string; version: string; sum: string | null } | null;
}

/** What a Go binary says about its build. */
export interface GoBuildInfo {
  goVersion: string;
  /** Package path of the main package (`path` line). */
  path: string | null;
  main: GoModule | null;
  deps: GoModule[];
  /** `build` settings (`-compiler`, `GOOS`, `GOARCH`, `vcs.revision`, …), in order. */
  settings: Record<string, string>;
}

/** Outcome of reading the blob from what has arrived: need `need` bytes in all, not build info, or the strings. */
export type InlineRead = { status: 'more'; need: number } | { status: 'bad' } | { status: 'ok'; goVersion: string; modinfo: Buffer };

/** An unsigned LEB128 varint (Go's binary.Uvarint) at `at`: value and length, 'more', or null when malformed. */
function uvarint(buf: Buffer, at: number): { value: number; length: number } | 'more' | null {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (at + i >= buf.length) return 'more';
    const b = buf[at + i] as number;
    value += (b & 0x7f) * scale;
    if (value > Number.MAX_SAFE_INTEGER) return null;
    if (b < 0x80) return { value, length: i + 1 };
    scale *= 128;
  }
  return null;
}

/** True when the 16 bytes at `at` are the magic followed by a pointer size (4 or 8) and the inline flag. */
export function isInlineHeader(view: Buffer, at: number): boolean {
  if (view.length < at + 16) return false;
  const ptrSize = view[at + 14];
  const flags = view[at + 15] as number;
  return (ptrSize === 4 || ptrSize === 8) && (flags & FLAG_INLINE) !== 0 && view.subarray(at, at + MAGIC.length).equals(MAGIC);
}

/**
 * Read an inline (Go 1.18+) build info blob starting at `buf[0]` (the magic): after the 32-byte header come the
 * Go version and the module info, each a varint length and its bytes. Lengths are bounded, so a corrupt or hostile
 * blob costs little: 'bad' rather than a huge allocation.
 */
export function readInlineBuildInfo(buf: Buffer): InlineRead {
  if (buf.length < 16) return { status: 'more', need: HEADER_BYTES };
  if (!isInlineHeader(buf, 0)) return { status: 'bad' };
  let at = HEADER_BYTES;
  const strings: Buffer[] = [];
  for (const max of [MAX_VERSION_BYTES, MAX_MODINFO_BYTES]) {
    const len = uvarint(buf, at);
    if (len === 'more') return { status: 'more', need: at + 10 };
    if (len === null || len.value > max) return { status: 'bad' };
    const end = at + len.length + len.value;
    if (end > buf.length) return { status: 'more', need: end };
    strings.push(buf.subarray(at + len.length, end));
    at = end;
  }
  const goVersion = (strings[0] as Buffer).toString('utf8');
  const modinfo = strings[1] as Buffer;
  // Every Go release names itself `go1.x…` (or `devel go1.x-…` for a toolchain built from source).
  if (!/^(?:go\d|devel )/.test(goVersion)) return { status: 'bad' };
  return { status: 'ok', goVersion, modinfo };
}

/** Strip the 16-byte sentinels Go wraps module info in; empty when they are not there (as Go's reader does). */
function unwrapModinfo(bytes: Buffer): string {
  if (bytes.length < 2 * SENTINEL_BYTES + 1 || bytes[bytes.length - SENTINEL_BYTES - 1] !== 0x0a) return '';
  return bytes.toString('utf8', SENTINEL_BYTES, bytes.length - SENTINEL_BYTES);
}

/** A build setting's key or value, unquoted when Go quoted it (it does so for spaces, quotes and `=`). */
function unquote(s: string): string {
  if (!s.startsWith('"')) return s;
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'string' ? v : s;
  } catch {
    return s;
  }
}

/** Split `key=value` where the key may be quoted (and then hold `=`). */
function splitSetting(s: string): [string, string] | null {
  if (s.startsWith('"')) {
    const m = /^("(?:[^"\\]|\\.)*")=(.*)$/s.exec(s);
    return m ? [unquote(m[1] as string), unquote(m[2] as string)] : null;
  }
  const eq = s.indexOf('=');
  return eq > 0 ? [s.slice(0, eq), unquote(s.slice(eq + 1))] : null;
}

/**
 * Parse Go module info text (the `debug.BuildInfo` string form): `path`, `mod`, `dep` and `build` lines, each
 * `=>` line replacing the module just before it. Unreadable lines are skipped.
 */
export function parseModInfo(goVersion: string, text: string): GoBuildInfo {
  const info: GoBuildInfo = { goVersion, path: null, main: null, deps: [], settings: {} };
  let last: GoModule | null = null;
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const verb = line.slice(0, tab);
    const rest = line.slice(tab + 1);
    const [p = '', v = '', sum = ''] = rest.split('\t');
    if (verb === 'path') {
      info.path = rest;
    } else if (verb === 'mod' || verb === 'dep') {
      if (!p) continue;
      last = { path: p, version: v, sum: sum || null, replace: null };
      if (verb === 'mod') info.main = last;
      else info.deps.push(last);
    } else if (verb === '=>') {
      if (last && p) last.replace = { path: p, version: v, sum: sum || null };
      last = null;
    } else if (verb === 'build') {
      const kv = splitSetting(rest);
      if (kv) info.settings[kv[0]] = kv[1];
    }
  }
  return info;
}

/** Parse a whole blob already in memory (the magic at `buf[0]`); null when it is not readable inline build info. */
export function parseGoBuildInfoBlob(buf: Buffer): GoBuildInfo | null {
  const r = readInlineBuildInfo(buf);
  return r.status === 'ok' ? parseModInfo(r.goVersion, unwrapModinfo(r.modinfo)) : null;
}

/**
 * A streaming inspector for one ELF file: finds the first 16-byte-aligned inline build info header, gathers just
 * the bytes the blob's lengths announce (bounded), and returns the parsed build info, or undefined. Files without
 * the magic cost one indexOf per chunk; pre-1.18 binaries (pointer format, no inline flag) are not read.
 */
export function goBuildInfoInspector(): BinaryInspector {
  // Go aligns the blob to 16 bytes in its section, and sections start aligned in the file, so unaligned copies of
  // the magic (the constant inside debug/buildinfo, in the go command itself) are passed over.
  const check = (view: Buffer, at: number, abs: number): boolean => abs % 16 === 0 && isInlineHeader(view, at);
  let scanner: NeedleScanner | null = new NeedleScanner([MAGIC], 16, check);
  let parts: Buffer[] = [];
  let have = 0;
  let need = 0;
  let start = 0;
  let result: GoBuildInfo | undefined;

  const collect = (chunk: Buffer): void => {
    // Kept across writes, so copied: the walk reuses the buffers it writes from.
    parts.push(Buffer.from(chunk));
    have += chunk.length;
    if (have < need) return;
    const buf = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    parts = [buf];
    const r = readInlineBuildInfo(buf);
    if (r.status === 'more') {
      need = r.need;
    } else if (r.status === 'ok') {
      result = parseModInfo(r.goVersion, unwrapModinfo(r.modinfo));
      parts = [];
    } else {
      // Not build info after all: look again from the byte after this candidate.
      parts = [];
      have = 0;
      scanner = new NeedleScanner([MAGIC], 16, check, start + 1);
      feed(buf.subarray(1));
    }
  };
  const feed = (chunk: Buffer): void => {
    if (result) return;
    if (!scanner) return collect(chunk);
    const hit = scanner.push(chunk);
    if (!hit) return;
    scanner = null;
    start = hit.offset;
    need = 0;
    collect(hit.rest);
  };
  return {
    write: feed,
    end() {
      if (scanner && !result) {
        // A header in the last bytes of the file: complete only if the file holds the whole blob.
        const hit = scanner.finish();
        if (hit) result = parseGoBuildInfoBlob(hit.rest) ?? undefined;
      }
      return result;
    },
  };
}

/** A golang Package at `path`@`version` with the binary's GOARCH (directness is not recorded in binaries). */
function goPackage(path: string, version: string, metadata: Record<string, unknown>, arch: string | null, ctx: ParseContext): Package {
  return { ...goModulePackage(path, version, null, metadata, ctx), arch };
}

// Replacement targets that are directories (Go writes their version as `(devel)` or leaves it empty).
const LOCAL_PATH = /^(?:\.{1,2}\/|\/|\.{1,2}$|[A-Za-z]:[\\/])/;

function isLocalReplacement(r: { path: string; version: string }): boolean {
  return r.version === '' || r.version === '(devel)' || LOCAL_PATH.test(r.path);
}

/** The settings worth keeping on every package of a binary (the full set goes on the main module). */
const KEPT_SETTINGS = ['GOOS', 'GOARCH', 'CGO_ENABLED', 'vcs', 'vcs.revision', 'vcs.time', 'vcs.modified', '-buildmode', '-compiler'];

/**
 * The packages one binary's build info names: the main module (version as written, `(devel)` marked in
 * metadata), every dependency (a versioned `replace` reports the module actually built, a local one keeps the
 * required version and says so), and the standard library as `stdlib` at the Go version without its `go` prefix.
 * Whether a dependency is direct is not recorded in binaries, so `direct` is null.
 */
export function goBinaryPackages(info: GoBuildInfo, ctx: ParseContext): Package[] {
  const arch = info.settings['GOARCH'] ?? null;
  const build: Record<string, string> = {};
  for (const k of KEPT_SETTINGS) if (info.settings[k] !== undefined) build[k] = info.settings[k];
  const common = { goVersion: info.goVersion, ...(info.path ? { mainPackage: info.path } : {}), build };
  const out: Package[] = [];
  if (info.main) {
    const devel = info.main.version === '(devel)' || info.main.version === '';
    out.push(
      goPackage(info.main.path, info.main.version || '(devel)', { ...common, mainModule: true, ...(devel ? { develVersion: true } : {}), settings: info.settings }, arch, ctx),
    );
  }
  for (const dep of info.deps) {
    const r = dep.replace;
    if (r && !isLocalReplacement(r)) {
      // Replaced by another published module: that one is what was compiled in.
      out.push(goPackage(r.path, r.version, { ...common, ...(r.sum ? { h1Digest: r.sum } : {}), replaces: { path: dep.path, version: dep.version } }, arch, ctx));
    } else if (dep.version) {
      const replace = r ? { replacedBy: { path: r.path, local: true } } : {};
      out.push(goPackage(dep.path, dep.version, { ...common, ...(dep.sum ? { h1Digest: dep.sum } : {}), ...replace }, arch, ctx));
    }
  }
  const std = /^go(\d+(?:\.\d+)*(?:(?:rc|beta)\d+)?)/.exec(info.goVersion);
  if (std?.[1]) out.push(goPackage('stdlib', std[1], { ...common, stdlib: true }, arch, ctx));
  return out;
}
