// Parser for yarn.lock: Yarn classic (v1, its own indented text format) and Yarn berry (v2+, YAML with __metadata).
import { parse as parseYaml } from 'yaml';
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { asRecord, depMap, devOnly, npmPackage, readRootManifest, siblingManifest, splitSpec } from './npm-package.ts';
import type { RootManifest } from './npm-package.ts';

/** One resolved lockfile entry, whichever Yarn wrote it. */
interface YarnEntry {
  /** The descriptors (`name@range`) that resolve to this entry. */
  specs: string[];
  name: string;
  version: string;
  /** Dependencies as name → range, to be resolved to other entries through their descriptors. */
  deps: Map<string, string>;
  metadata: Record<string, unknown>;
  /** A berry workspace: the project's own code, not a dependency. */
  workspace?: string;
}

/**
 * Parses a yarn.lock. `root` is the package.json beside it: Yarn classic records no root, so without one `direct`
 * is null; berry lists the root workspace's dependencies itself. Dev-only packages are those reachable only from
 * the root's devDependencies (metadata.dev).
 */
export function parseYarnLockWith(content: Buffer, ctx: ParseContext, root: RootManifest | undefined): Package[] {
  const text = content.toString('utf8');
  const berry = /^__metadata:/m.test(text);
  const entries = berry ? parseBerry(text, ctx) : parseClassic(text);

  const byDescriptor = new Map<string, number>();
  entries.forEach((e, i) => {
    for (const s of e.specs) byDescriptor.set(s, i);
  });
  const resolve = (name: string, range: string): number | undefined =>
    byDescriptor.get(`${name}@${range}`) ?? (berry ? byDescriptor.get(`${name}@npm:${range}`) : undefined);
  const edges = new Map<number, number[]>();
  entries.forEach((e, i) => {
    const to: number[] = [];
    for (const [n, r] of e.deps) {
      const j = resolve(n, r);
      if (j !== undefined) to.push(j);
    }
    edges.set(i, to);
  });

  // Direct dependencies: the root package.json when present, else berry's root workspace entry.
  const rootWs = entries.find((e) => e.workspace === '.');
  const prodRoots: number[] = [];
  const devRoots: number[] = [];
  let known = false;
  if (root) {
    known = true;
    for (const map of [root.prod, root.optional, root.peer]) for (const [n, r] of map) pushDefined(prodRoots, resolve(n, r));
    for (const [n, r] of root.dev) pushDefined(devRoots, resolve(n, r));
  } else if (rootWs) {
    known = true;
    for (const [n, r] of rootWs.deps) pushDefined(prodRoots, resolve(n, r));
  }
  const direct = new Set([...prodRoots, ...devRoots]);
  const dev = root ? devOnly(edges, prodRoots, devRoots) : new Set<number>();

  const out: Package[] = [];
  entries.forEach((e, i) => {
    // The root workspace is the project itself, and patch entries repeat the package they patch.
    if (e.workspace === '.' || e.metadata['patch'] === true) return;
    const metadata = { ...e.metadata };
    if (dev.has(i)) metadata['dev'] = true;
    out.push(
      npmPackage(
        {
          name: e.name,
          version: e.version,
          direct: e.workspace !== undefined ? true : known ? direct.has(i) : null,
          dependsOn: [...e.deps.keys()],
          metadata,
        },
        ctx,
      ),
    );
  });
  return out;
}

/** The Parser form: reads the package.json beside the lockfile through the context. */
export async function parseYarnLock(content: Buffer, ctx: ParseContext): Promise<Package[]> {
  return parseYarnLockWith(content, ctx, await readRootManifest(ctx, siblingManifest(ctx.location.path)));
}

function pushDefined(list: number[], v: number | undefined): void {
  if (v !== undefined) list.push(v);
}

/** The real package name behind a descriptor: an alias `foo@npm:bar@^1` installs `bar`. */
function realName(spec: string): string {
  const { name, range } = splitSpec(spec);
  if (range.startsWith('npm:')) {
    const inner = range.slice(4);
    const at = inner.indexOf('@', 1);
    if (at > 0) return inner.slice(0, at);
  }
  return name;
}

// ---- Yarn classic (v1) ----

/** Yarn classic's format: unindented `spec, spec:` headers, two-space `key value` fields, four-space sub-maps. */
function parseClassic(text: string): YarnEntry[] {
  const entries: YarnEntry[] = [];
  let current: { specs: string[]; fields: Map<string, string>; sections: Map<string, Map<string, string>> } | undefined;
  let section: Map<string, string> | undefined;
  const flush = (): void => {
    if (!current) return;
    const version = current.fields.get('version');
    const first = current.specs[0];
    if (version && first) {
      const metadata: Record<string, unknown> = {};
      const resolved = current.fields.get('resolved');
      const integrity = current.fields.get('integrity');
      if (resolved) metadata['resolved'] = resolved;
      if (integrity) metadata['integrity'] = integrity;
      const deps = new Map([...(current.sections.get('dependencies') ?? []), ...(current.sections.get('optionalDependencies') ?? [])]);
      entries.push({ specs: current.specs, name: realName(first), version, deps, metadata });
    }
    current = undefined;
    section = undefined;
  };
  for (const raw of text.split(/\r?\n/)) {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (indent === 0) {
      flush();
      if (!line.endsWith(':')) continue;
      current = { specs: splitHeader(line.slice(0, -1)), fields: new Map(), sections: new Map() };
      continue;
    }
    if (!current) continue;
    if (indent <= 2) {
      section = undefined;
      if (line.endsWith(':')) {
        section = new Map();
        current.sections.set(unquote(line.slice(0, -1)), section);
        continue;
      }
      const kv = keyValue(line);
      if (kv) current.fields.set(kv[0], kv[1]);
      continue;
    }
    if (section) {
      const kv = keyValue(line);
      if (kv) section.set(kv[0], kv[1]);
    }
  }
  flush();
  return entries;
}

/** `"a@^1", a@^2` → [`a@^1`, `a@^2`]. */
function splitHeader(header: string): string[] {
  return header
    .split(/,\s*/)
    .map((s) => unquote(s.trim()))
    .filter((s) => s !== '');
}

/** `key value`, `"key" "value"` or `key: value` → [key, value]. */
function keyValue(line: string): [string, string] | undefined {
  const m = /^("(?:[^"\\]|\\.)*"|[^\s"]+?):?\s+(.*)$/.exec(line);
  if (!m) return undefined;
  return [unquote(m[1] as string), unquote((m[2] as string).trim())];
}

function unquote(s: string): string {
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.slice(1, -1);
    }
  }
  return s;
}

// ---- Yarn berry (v2+) ----

/** Berry's lockfile is YAML: each key lists descriptors, each value has `resolution`, `version`, `dependencies`. */
function parseBerry(text: string, ctx: ParseContext): YarnEntry[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { uniqueKeys: false });
  } catch (err) {
    throw new SextantError('CORRUPT', `${ctx.location.path}: unreadable YAML (${(err as Error).message.split('\n')[0]})`, { cause: err });
  }
  const entries: YarnEntry[] = [];
  for (const [key, raw] of Object.entries(asRecord(doc) ?? {})) {
    if (key === '__metadata') continue;
    const entry = asRecord(raw);
    const resolution = entry?.['resolution'];
    const version = entry?.['version'];
    if (!entry || typeof resolution !== 'string') continue;
    const { name, range: ref } = splitSpec(resolution);
    // The resolution is a descriptor too: a patch entry points at the package it patches by its resolution.
    const specs = [...key.split(/,\s*/).map((s) => s.trim()), resolution];
    const metadata: Record<string, unknown> = { resolution };
    if (typeof entry['checksum'] === 'string') metadata['checksum'] = entry['checksum'];
    if (typeof entry['linkType'] === 'string') metadata['linkType'] = entry['linkType'];
    const deps = new Map([...depMap(entry['dependencies']), ...depMap(entry['optionalDependencies'])]);
    const yarnEntry: YarnEntry = { specs, name, version: typeof version === 'string' || typeof version === 'number' ? String(version) : '', deps, metadata };
    if (ref.startsWith('workspace:')) yarnEntry.workspace = ref.slice('workspace:'.length);
    if (ref.startsWith('patch:')) {
      metadata['patch'] = true;
      // Dependents name the patch descriptor; resolving it to the patched package keeps the graph connected.
      const inner = decodeURIComponent(ref.slice('patch:'.length).split('#')[0] ?? '');
      yarnEntry.deps = new Map([[splitSpec(inner).name, splitSpec(inner).range]]);
    }
    entries.push(yarnEntry);
  }
  return entries;
}
