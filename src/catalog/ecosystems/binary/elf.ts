// Choosing which files the binary catalogers stream, and an inspector wrapper that gives up on non-ELF files.
import type { FileInspector } from '../../../layerfs/types.ts';

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

/**
 * Wraps an inspector so that it only sees ELF files: the first four bytes are checked (gathered across chunks if
 * they come one at a time) and any other file costs nothing more than that comparison.
 */
export function elfGated(make: () => BinaryInspector): FileInspector {
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
  };
}
