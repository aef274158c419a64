// Runtimes installed without a package manager (node, python, java, busybox), recognised by the version
// strings their executables embed: which files to read, the byte pattern to look for, and the packages found.
import type { ParseContext } from '../../cataloger.ts';
import type { Package } from '../../../core/package.ts';
import { makePurl } from '../../purl.ts';
import { baseName, isExecutable } from './elf.ts';
import type { BinaryInspector } from './elf.ts';
import { NeedleScanner } from './needle-scanner.ts';
import { buildPackage } from '../../package-builder.ts';

/** What a runtime inspector keeps: the runtime, its version, and the classifier that recognised it. */
export interface RuntimeVersion {
  name: string;
  version: string;
  classifier: string;
  /** The version as the binary writes it, when it says more than `version` (`17.0.15+6-Debian-1deb12u1`). */
  fullVersion?: string;
}

/** One runtime: which files it looks at, the needle that starts its version string, and how to read it. */
interface Classifier {
  name: string;
  classifier: string;
  /** The needle for a file (python's depends on the minor version in the file's name), or null to skip it. */
  needle(path: string, mode: number): Buffer | null;
  /** Bytes after the needle's start that `read` may need. */
  window: number;
  read(view: Buffer, at: number, needle: Buffer): Omit<RuntimeVersion, 'name' | 'classifier'> | null;
}

/** The NUL-free text at `at` in `view`, up to `max` bytes (latin1). */
function cString(view: Buffer, at: number, max: number): string | null {
  const end = view.indexOf(0, at);
  if (end < 0 || end - at > max) return null;
  return view.toString('latin1', at, end);
}

const SEMVER_AT = /^(\d+\.\d+\.\d+)/;

const classifiers: readonly Classifier[] = [
  {
    // Node.js writes its release as `node.js/v20.11.1` (the URL of its release notes, process.release).
    name: 'node',
    classifier: 'node-binary',
    needle: (path, mode) => (/^(?:node|nodejs)$/.test(baseName(path)) && isExecutable(mode)) || /^libnode\.so/.test(baseName(path)) ? NODE_NEEDLE : null,
    window: 40,
    read(view, at, needle) {
      const m = SEMVER_AT.exec(view.toString('latin1', at + needle.length, Math.min(view.length, at + 40)));
      return m?.[1] ? { version: m[1] } : null;
    },
  },
  {
    // CPython keeps PY_VERSION as a NUL-terminated string: `\03.11.2\0`; the minor version comes from the name.
    name: 'python',
    classifier: 'python-binary',
    needle(path, mode) {
      const base = baseName(path);
      const exe = /^python(3\.\d+)[dmu]*$/.exec(base);
      const lib = /^libpython(3\.\d+)[dmu]*\.so/.exec(base);
      const minor = (exe && isExecutable(mode) ? exe[1] : null) ?? lib?.[1];
      return minor ? Buffer.from(`\0${minor}.`, 'latin1') : null;
    },
    window: 32,
    read(view, at) {
      const s = cString(view, at + 1, 24);
      return s && /^3\.\d+\.\d+(?:(?:a|b|rc)\d+)?\+?$/.test(s) ? { version: s } : null;
    },
  },
  {
    // The java launcher carries `\0openjdk\0java\0<release>\0<full version>\0` (its launcher name and version).
    name: 'openjdk',
    classifier: 'java-binary',
    needle: (path, mode) => (baseName(path) === 'java' && isExecutable(mode) ? JAVA_NEEDLE : null),
    window: 160,
    read(view, at, needle) {
      const release = cString(view, at + needle.length, 40);
      if (release === null) return null;
      const full = cString(view, at + needle.length + release.length + 1, 80);
      const m = full ? /^(\d+(?:\.\d+)*(?:_\d+)?)/.exec(full) : null;
      return m?.[1] && full ? { version: m[1], fullVersion: full } : null;
    },
  },
  {
    // BusyBox prints (and embeds) `BusyBox v1.36.1 (2023-…)` as its banner.
    name: 'busybox',
    classifier: 'busybox-binary',
    needle: (path, mode) => (baseName(path) === 'busybox' && isExecutable(mode) ? BUSYBOX_NEEDLE : null),
    window: 40,
    read(view, at, needle) {
      const m = /^(\d+\.\d+(?:\.\d+)?)(\S*)/.exec(view.toString('latin1', at + needle.length, Math.min(view.length, at + 40)));
      return m?.[1] ? { version: m[1], ...(m[2] ? { fullVersion: m[1] + m[2] } : {}) } : null;
    },
  },
];

const NODE_NEEDLE = Buffer.from('node.js/v', 'latin1');
const JAVA_NEEDLE = Buffer.from('\0openjdk\0java\0', 'latin1');
const BUSYBOX_NEEDLE = Buffer.from('BusyBox v', 'latin1');

/**
 * A streaming inspector for a runtime's executable or library, chosen by file name (so other files cost nothing),
 * or null when the name is not a runtime's. Stops reading once the version is found.
 */
export function runtimeInspector(path: string, mode: number): BinaryInspector | null {
  for (const c of classifiers) {
    const needle = c.needle(path, mode);
    if (!needle) continue;
    let found: RuntimeVersion | undefined;
    const scanner = new NeedleScanner([needle], needle.length + c.window, (view, at) => {
      const r = c.read(view, at, needle);
      if (r) found = { name: c.name, classifier: c.classifier, ...r };
      return r !== null;
    });
    return {
      write(chunk) {
        if (!found) scanner.push(chunk);
      },
      end() {
        if (!found) scanner.finish();
        return found;
      },
    };
  }
  return null;
}

/**
 * A runtime as a generic package (`pkg:generic/node@20.11.1`): none of these has a purl type of its own for a
 * bare install, so they follow the generic convention with the runtime's common name.
 */
export function runtimePackage(found: RuntimeVersion, ctx: ParseContext, extra: Record<string, unknown> = {}): Package {
  return buildPackage(
    {
      type: 'generic',
      name: found.name,
      version: found.version,
      purl: makePurl({ type: 'generic', name: found.name, version: found.version }),
      metadata: { classifier: found.classifier, ...(found.fullVersion ? { fullVersion: found.fullVersion } : {}), ...extra },
    },
    ctx,
  );
}
