// Binary catalogers: Go build info, cargo-auditable data and runtime version strings, read from executables as
// they stream past (inspect), plus Java `release` files; each wires its inspector and parser, nothing more.
import { posix } from 'node:path';
import type { CatalogEnv, Cataloger, Inspection, ParseContext } from '../../cataloger.ts';
import type { Package } from '../../../core/package.ts';
import { MIN_BINARY_BYTES, elfGated, isExecutable, isSharedLibrary, type SectionRead } from './elf.ts';
import { goBinaryPackages, goBuildInfoInspector } from './parse-go-buildinfo.ts';
import type { GoBuildInfo } from './parse-go-buildinfo.ts';
import { parseJavaRelease } from './parse-java-release.ts';
import { rustAuditInspector, rustAuditPackages } from './parse-rust-audit.ts';
import type { RustAuditResult } from './parse-rust-audit.ts';
import { runtimeInspector, runtimePackage } from './parse-runtime-version.ts';
import type { RuntimeVersion } from './parse-runtime-version.ts';

function contextFor(env: CatalogEnv, path: string, layerDigest: string | null, foundBy: string): ParseContext {
  return { location: { path, layerDigest }, distro: env.distro, foundBy, readFile: (p) => env.resolver.readFile(p) };
}

function inspectionsOf(env: CatalogEnv, name: string): Inspection[] {
  return env.inspections?.(name) ?? [];
}

const GO = { name: 'go-binary', version: 1 };
/** Go (1.13 and later) keeps its build info in this section of ELF files. */
const GO_SECTIONS: SectionRead = { names: ['.go.buildinfo'], make: goBuildInfoInspector };

/** Go modules, main module and standard library from the build info of Go executables (and c-shared libraries). */
export const goBinaryCataloger = {
  ...GO,
  globs: [],
  inspect: (path, size, mode) => (size >= MIN_BINARY_BYTES && (isExecutable(mode) || isSharedLibrary(path)) ? elfGated(goBuildInfoInspector, GO_SECTIONS) : null),
  async catalog(env) {
    const foundBy = `${GO.name}@${GO.version}`;
    const out: Package[] = [];
    for (const { path, layerDigest, result } of inspectionsOf(env, GO.name)) {
      const info = result as GoBuildInfo;
      if (!info || typeof info.goVersion !== 'string' || !Array.isArray(info.deps)) continue;
      out.push(...goBinaryPackages(info, contextFor(env, path, layerDigest, foundBy)));
    }
    return out;
  },
} satisfies Cataloger;

const RUST = { name: 'rust-binary', version: 1 };
/** cargo-auditable's section; given the section itself, the inspector need not wait for signs of Rust first. */
const RUST_SECTIONS: SectionRead = { names: ['.dep-v0'], make: () => rustAuditInspector({ gated: false }) };

/** Crates recorded by cargo-auditable in Rust executables (the zlib-compressed `.dep-v0` section). */
export const rustBinaryCataloger = {
  ...RUST,
  globs: [],
  inspect: (_path, size, mode) => (size >= MIN_BINARY_BYTES && isExecutable(mode) ? elfGated(rustAuditInspector, RUST_SECTIONS) : null),
  async catalog(env) {
    const foundBy = `${RUST.name}@${RUST.version}`;
    const out: Package[] = [];
    for (const { path, layerDigest, result } of inspectionsOf(env, RUST.name)) {
      const r = result as RustAuditResult;
      // A stream that could not be read (bomb, truncation) yields nothing rather than a guess.
      if (!r || !('crates' in r) || !Array.isArray(r.crates)) continue;
      out.push(...rustAuditPackages(r.crates, contextFor(env, path, layerDigest, foundBy)));
    }
    return out;
  },
} satisfies Cataloger;

const RUNTIME = { name: 'runtime-binary', version: 1 };
const JAVA_RELEASE_GLOBS = ['/usr/lib/jvm/*/release', '/opt/java/*/release', '/usr/java/*/release'];

/**
 * Runtimes installed without a package manager: node, python, java and busybox executables by their version
 * strings, and JDKs by their `release` file (which then stands for the `bin/java` beside it). One package per
 * runtime and version, with every file that showed it.
 */
export const runtimeBinaryCataloger = {
  ...RUNTIME,
  globs: JAVA_RELEASE_GLOBS,
  inspect: (path, size, mode) => {
    if (size < MIN_BINARY_BYTES) return null;
    const make = runtimeInspector(path, mode);
    return make ? elfGated(() => make) : null;
  },
  async catalog(env) {
    const foundBy = `${RUNTIME.name}@${RUNTIME.version}`;
    const found: Package[] = [];
    const jdkHomes = new Set<string>();
    for (const glob of JAVA_RELEASE_GLOBS) {
      for (const rec of env.resolver.glob(glob)) {
        if (rec.type !== 'file') continue;
        const content = await env.resolver.readFile(rec.path);
        if (content === undefined) continue;
        const pkgs = parseJavaRelease(content, contextFor(env, rec.path, env.layerDigest(rec.path), foundBy));
        if (pkgs.length) jdkHomes.add(posix.dirname(rec.path));
        found.push(...pkgs);
      }
    }
    for (const { path, layerDigest, result } of inspectionsOf(env, RUNTIME.name)) {
      const r = result as RuntimeVersion;
      if (!r || typeof r.name !== 'string' || typeof r.version !== 'string') continue;
      if (r.classifier === 'java-binary' && jdkHomes.has(posix.dirname(posix.dirname(path)))) continue;
      found.push(runtimePackage(r, contextFor(env, path, layerDigest, foundBy)));
    }
    // python3.11 and libpython3.11.so of one install are one runtime: merge by name and version.
    const byKey = new Map<string, Package>();
    for (const p of found) {
      const key = `${p.name}@${p.version}`;
      const seen = byKey.get(key);
      if (seen) seen.locations.push(...p.locations);
      else byKey.set(key, p);
    }
    return [...byKey.values()];
  },
} satisfies Cataloger;
