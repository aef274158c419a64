// Parser for Bundler's Gemfile.lock: resolved gems under GEM/GIT/PATH specs, and DEPENDENCIES for what is direct.
import type { ParseContext } from '../../cataloger.ts';
import type { Package } from '../../../core/package.ts';
import { makePurl } from '../../purl.ts';
import { buildPackage } from '../../package-builder.ts';

// Bundler writes `name (version-platform)` for platform-specific gems; these are the platform spellings it uses.
const PLATFORM = /^(?:java|jruby|ruby|mswin\d*|mingw\d*|x64-mingw[\w-]*|universal-[\w.-]+|(?:x86_64|x86|i[3-6]86|arm64|aarch64|arm|armv\d\w*|powerpc\w*|ppc\w*|s390x|sparc\w*|riscv64|loongarch64)-[\w.-]+)$/;

/** Split a specs entry's `1.13.6-x86_64-linux` into version and platform; versions themselves may contain '-'. */
export function splitPlatform(raw: string): { version: string; platform: string | null } {
  for (let i = raw.indexOf('-'); i > 0; i = raw.indexOf('-', i + 1)) {
    const rest = raw.slice(i + 1);
    if (PLATFORM.test(rest)) return { version: raw.slice(0, i), platform: rest };
  }
  return { version: raw, platform: null };
}

interface Spec {
  name: string;
  version: string;
  platforms: string[];
  section: string;
  remote: string | null;
  deps: Set<string>;
}

/**
 * Parse a Gemfile.lock. Bundler's format is indentation-based: a section header at column 0, `remote:`/`specs:` at
 * 2 spaces, resolved gems at 4 and their dependencies at 6. DEPENDENCIES (2 spaces) names the Gemfile's own gems.
 */
export function parseGemfileLock(content: Buffer, ctx: ParseContext): Package[] {
  const specs = new Map<string, Spec>();
  const direct = new Set<string>();
  let section = '';
  let remote: string | null = null;
  let inSpecs = false;
  let current: Spec | null = null;
  let bundledWith: string | null = null;
  for (const line of content.toString('utf8').split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const indent = line.length - line.trimStart().length;
    const text = line.trim();
    if (indent === 0) {
      section = text;
      remote = null;
      inSpecs = false;
      current = null;
      continue;
    }
    if (section === 'DEPENDENCIES' && indent === 2) {
      // `rails (~> 7.0)`, `mygem!` (from a git or path source), or a bare name.
      const m = /^([^\s(!]+)/.exec(text);
      if (m?.[1]) direct.add(m[1]);
      continue;
    }
    if (section === 'BUNDLED WITH') {
      bundledWith = text;
      continue;
    }
    if (section !== 'GEM' && section !== 'GIT' && section !== 'PATH' && section !== 'PLUGIN SOURCE') continue;
    if (indent === 2) {
      inSpecs = text === 'specs:';
      const r = /^remote:\s*(.+)$/.exec(text);
      if (r?.[1]) remote = r[1];
      current = null;
      continue;
    }
    if (!inSpecs) continue;
    const m = /^([^\s(]+)(?:\s+\(([^)]*)\))?$/.exec(text);
    if (!m?.[1]) continue;
    if (indent === 4) {
      if (!m[2]) {
        current = null;
        continue;
      }
      const { version, platform } = splitPlatform(m[2].trim());
      const key = `${m[1]}@${version}`;
      current = specs.get(key) ?? null;
      if (!current) {
        current = { name: m[1], version, platforms: [], section, remote, deps: new Set() };
        specs.set(key, current);
      }
      if (platform && !current.platforms.includes(platform)) current.platforms.push(platform);
    } else if (indent >= 6 && current) {
      current.deps.add(m[1]);
    }
  }
  const hasDependencies = direct.size > 0;
  const out: Package[] = [];
  for (const s of specs.values()) {
    const metadata: Record<string, unknown> = { source: s.section };
    if (s.remote) metadata['remote'] = s.remote;
    if (s.platforms.length) metadata['platforms'] = s.platforms;
    if (bundledWith) metadata['bundledWith'] = bundledWith;
    out.push(buildPackage(
      {
        type: 'gem',
        name: s.name,
        version: s.version,
        purl: makePurl({ type: 'gem', name: s.name, version: s.version, qualifiers: { platform: s.platforms.length === 1 ? s.platforms[0] : null } }),
        // Without a DEPENDENCIES section nothing says which gems the Gemfile asked for.
        direct: hasDependencies ? direct.has(s.name) : null,
        dependsOn: [...s.deps],
        metadata,
      },
      ctx,
    ));
  }
  return out;
}
