// Choosing which files the binary catalogers read, an inspector wrapper that gives up on non-ELF files, and the
// ELF section table, so that a file on disk is read only where the wanted sections are.
import { streamThrough } from '../../../layerfs/stream-through.ts';
import type { FileInspector, RandomAccessFile } from '../../../layerfs/types.ts';

/** Smallest file worth inspecting: no real ELF executable is smaller. */
export const MIN_BINARY_BYTES = 1024;

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** The file's name after its last slash. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** True for a file with any execute bit. */
export function isExecutable(mode: number): boolean {
  return (mode & 0o111) !== 0;
}

/** True for a shared library by name (`libfoo.so`, `libfoo.so.1.2`), wherever it lies. */
export function isSharedLibrary(path: string): boolean {
  return /\.so(?:\.[\d.]+)?$/.test(baseName(path));
}

/** What an ELF-gated inspector does once the magic has been seen. */
export interface BinaryInspector {
  write(chunk: Buffer): void;
  end(): unknown;
}

/** Where to look in an ELF file on disk: the sections that hold what an inspector wants, and who reads them. */
export interface SectionRead {
  /** Section names, e.g. `.go.buildinfo`. A file with a section table but none of them yields nothing. */
  names: readonly string[];
  /** The inspector that is given the sections' bytes, in file order (it may differ from the one for whole files). */
  make: () => BinaryInspector;
}

/**
 * Wraps an inspector so that it only sees ELF files: the first four bytes are checked (gathered across chunks if
 * they come one at a time) and any other file costs nothing more than that comparison. With `sections`, a file on
 * disk is read only where those sections are, when its section table says; without a section table it is read
 * whole, like a stream.
 */
export function elfGated(make: () => BinaryInspector, sections?: SectionRead): FileInspector {
  let head: Buffer | null = Buffer.alloc(0);
  let inner: BinaryInspector | null = null;
  let rejected = false;
  return {
    write(chunk) {
      if (rejected) return;
      if (inner) return inner.write(chunk);
      head = Buffer.concat([head ?? Buffer.alloc(0), chunk]);
      if (head.length < ELF_MAGIC.length) return;
      if (!head.subarray(0, ELF_MAGIC.length).equals(ELF_MAGIC)) {
        rejected = true;
        head = null;
        return;
      }
      inner = make();
      const first = head;
      head = null;
      inner.write(first);
    },
    end() {
      return inner ? inner.end() : undefined;
    },
    async readFrom(file) {
      const magic = await file.read(0, ELF_MAGIC.length);
      if (!magic.equals(ELF_MAGIC)) return undefined;
      const table = sections ? await readSectionTable(file) : null;
      if (!sections || table === null) return streamThrough(file, make());
      const wanted = table.filter((sec) => sections.names.includes(sec.name) && sec.hasData).sort((a, b) => a.offset - b.offset);
      if (wanted.length === 0) return undefined;
      const reader = sections.make();
      for (const sec of wanted) {
        for (let at = 0; at < sec.size; ) {
          const chunk = await file.read(sec.offset + at, Math.min(1 << 20, sec.size - at));
          if (chunk.length === 0) break;
          reader.write(chunk);
          at += chunk.length;
        }
      }
      return reader.end();
    },
  };
}

/** One section of an ELF file, as its section header describes it. */
export interface ElfSection {
  name: string;
  offset: number;
  size: number;
  /** False for SHT_NOBITS (.bss and the like), which occupy no bytes in the file. */
  hasData: boolean;
}

/** Most section headers read; real binaries have tens, rarely a few thousand. */
const MAX_SECTIONS = 65_536;
/** Largest section-name string table read. */
const MAX_SHSTRTAB_BYTES = 4 * 2 ** 20;
const SHT_NOBITS = 8;

/**
 * The section table of an ELF file (32 or 64-bit, either byte order), or null when the file has none that can be
 * trusted (no table, counts or offsets outside the file, or the extended numbering of files with 65,280+ sections):
 * callers then read the file whole.
 */
export async function readSectionTable(file: RandomAccessFile): Promise<ElfSection[] | null> {
  const ident = await file.read(0, 64);
  if (ident.length < 52 || !ident.subarray(0, 4).equals(ELF_MAGIC)) return null;
  const is64 = ident[4] === 2;
  const little = ident[5] !== 2;
  if (is64 && ident.length < 64) return null;
  const u16 = (b: Buffer, at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (b: Buffer, at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const word = (b: Buffer, at: number) => (is64 ? Number(little ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at)) : u32(b, at));
  const shoff = word(ident, is64 ? 0x28 : 0x20);
  const shentsize = u16(ident, is64 ? 0x3a : 0x2e);
  const shnum = u16(ident, is64 ? 0x3c : 0x30);
  const shstrndx = u16(ident, is64 ? 0x3e : 0x32);
  const entry = is64 ? 64 : 40;
  if (shoff === 0 || shnum === 0 || shnum > MAX_SECTIONS || shentsize < entry || shstrndx >= shnum) return null;
  if (shoff + shnum * shentsize > file.size) return null;
  const table = await file.read(shoff, shnum * shentsize);
  if (table.length < shnum * shentsize) return null;
  const raw = Array.from({ length: shnum }, (_, i) => {
    const at = i * shentsize;
    return {
      nameAt: u32(table, at),
      type: u32(table, at + 4),
      offset: word(table, at + (is64 ? 0x18 : 0x10)),
      size: word(table, at + (is64 ? 0x20 : 0x14)),
    };
  });
  const strtab = raw[shstrndx] as (typeof raw)[number];
  if (strtab.size > MAX_SHSTRTAB_BYTES || strtab.offset + strtab.size > file.size) return null;
  const names = await file.read(strtab.offset, strtab.size);
  return raw.map((r) => {
    const end = names.indexOf(0, r.nameAt);
    const name = r.nameAt < names.length ? names.toString('latin1', r.nameAt, end < 0 ? names.length : end) : '';
    const hasData = r.type !== SHT_NOBITS && r.offset + r.size <= file.size;
    return { name, offset: r.offset, size: hasData ? r.size : 0, hasData };
  });
}
