// Parser for .NET `*.deps.json` (what an application was published with): libraries, the runtime target's graph.
import type { ParseContext } from '../../cataloger.ts';
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import { makePurl } from '../../purl.ts';
import { buildPackage } from '../../package-builder.ts';

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Self-contained apps list the runtime itself as `runtimepack.<pack name>`; the NuGet package is the pack name.
const RUNTIMEPACK = 'runtimepack.';

function packName(name: string): string {
  return name.startsWith(RUNTIMEPACK) ? name.slice(RUNTIMEPACK.length) : name;
}

/** `Name/1.2.3` → [Name, 1.2.3]; null when there is no version. */
function splitKey(key: string): [string, string] | null {
  const i = key.lastIndexOf('/');
  return i > 0 && i < key.length - 1 ? [key.slice(0, i), key.slice(i + 1)] : null;
}

// Asset groups that put files in the published app; a target entry with none of them deploys nothing.
const ASSETS = ['runtime', 'runtimeTargets', 'native', 'resources'];

/**
 * Parse a deps.json. Libraries of type `package` and `runtimepack` are NuGet packages; `project` libraries are the
 * application's own projects (the root is the one no other project depends on). The runtime target's entries
 * give dependency edges; a package whose target entry carries no runtime, native or resource assets (reference
 * and meta packages, compile-only entries) ships nothing and is left out. Throws CORRUPT for non-JSON.
 */
export function parseDepsJson(content: Buffer, ctx: ParseContext): Package[] {
  let doc: unknown;
  try {
    doc = JSON.parse(content.toString('utf8'));
  } catch (cause) {
    throw new SextantError('CORRUPT', `${ctx.location.path}: not JSON`, { cause });
  }
  if (!isObject(doc)) throw new SextantError('CORRUPT', `${ctx.location.path}: not a deps.json`);
  const libraries = isObject(doc['libraries']) ? doc['libraries'] : {};
  const targets = isObject(doc['targets']) ? doc['targets'] : {};
  const runtimeTarget = isObject(doc['runtimeTarget']) && typeof doc['runtimeTarget']['name'] === 'string' ? doc['runtimeTarget']['name'] : null;
  // The runtime target names the graph that was published; a file whose name matches no target has no usable graph.
  const targetValue = runtimeTarget !== null ? targets[runtimeTarget] : undefined;
  const target: Json | null = isObject(targetValue) ? targetValue : null;

  const depsOf = (key: string): string[] => {
    const entry = target?.[key];
    const deps = isObject(entry) && isObject(entry['dependencies']) ? Object.keys(entry['dependencies']) : [];
    return deps.map(packName);
  };

  const projects: string[] = [];
  for (const [key, lib] of Object.entries(libraries)) if (isObject(lib) && lib['type'] === 'project' && splitKey(key)) projects.push(key);
  const projectNames = new Set(projects.map((k) => splitKey(k)?.[0]));
  // The root project is the one no other project depends on; with several candidates it stays unknown.
  const referenced = new Set(projects.flatMap((k) => depsOf(k)));
  const roots = target ? projects.filter((k) => !referenced.has(splitKey(k)?.[0] ?? '')) : projects;
  const root = roots.length === 1 ? roots[0] : undefined;
  // Packages a project of the application names itself are direct; only knowable with the target graph.
  const direct = target ? new Set(projects.flatMap((k) => depsOf(k)).filter((n) => !projectNames.has(n))) : null;

  const out: Package[] = [];
  for (const [key, lib] of Object.entries(libraries)) {
    const nv = splitKey(key);
    if (!nv || !isObject(lib)) continue;
    const libType = typeof lib['type'] === 'string' ? lib['type'] : '';
    const isProject = libType === 'project';
    if (!isProject && libType !== 'package' && libType !== 'runtimepack') continue;
    const entry = target?.[key];
    if (!isProject && isObject(entry) && (entry['compileOnly'] === true || !ASSETS.some((a) => isObject(entry[a]) && Object.keys(entry[a]).length > 0))) continue;
    const name = packName(nv[0]);
    const version = nv[1];
    const metadata: Json = { libraryType: libType };
    for (const f of ['sha512', 'path', 'hashPath', 'serviceable'] as const) if (lib[f] !== undefined && lib[f] !== '') metadata[f] = lib[f];
    if (isProject) metadata[key === root ? 'root' : 'workspace'] = true;
    out.push(buildPackage(
      {
        type: 'nuget',
        name,
        version,
        purl: makePurl({ type: 'nuget', name, version }),
        // The application's own projects are neither direct nor transitive dependencies of it.
        direct: isProject || !direct ? null : direct.has(name),
        dependsOn: depsOf(key),
        metadata,
      },
      ctx,
    ));
  }
  return out;
}
