// The project's own declarations in pyproject.toml (PEP 621 `[project]`, PEP 735 `[dependency-groups]`, Poetry's
// `[tool.poetry]`), read to tell a lockfile's direct dependencies from transitive ones.
import { parse as parseToml } from 'smol-toml';
import type { ParseContext } from '../../cataloger.ts';
import { parseRequirement } from './pep508.ts';
import { decodeText, dirname, joinPath, normalizeName } from './python-package.ts';

/** Normalised names the project asks for: runtime (`main`, optional extras included) and development groups. */
export interface ProjectDependencies {
  main: Set<string>;
  dev: Set<string>;
}

type Table = Record<string, unknown>;

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** Reads pyproject.toml beside `ctx.location`; null when it is absent, not captured or unreadable. */
export async function readProjectDependencies(ctx: ParseContext): Promise<ProjectDependencies | null> {
  const buf = await ctx.readFile(joinPath(dirname(ctx.location.path), 'pyproject.toml'));
  if (buf === undefined) return null;
  let doc: Table;
  try {
    doc = parseToml(decodeText(buf)) as Table;
  } catch {
    // The lockfile stays readable; only the direct/transitive split is lost.
    return null;
  }
  const main = new Set<string>();
  const dev = new Set<string>();
  const addSpecs = (into: Set<string>, list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const s of list) {
      const req = typeof s === 'string' ? parseRequirement(s) : null;
      if (req) into.add(normalizeName(req.name));
    }
  };
  const addKeys = (into: Set<string>, table: unknown): void => {
    if (!isTable(table)) return;
    // Poetry lists the interpreter constraint among the dependencies; it is no package.
    for (const k of Object.keys(table)) if (k !== 'python') into.add(normalizeName(k));
  };

  const project = doc.project;
  if (isTable(project)) {
    addSpecs(main, project.dependencies);
    if (isTable(project['optional-dependencies'])) for (const list of Object.values(project['optional-dependencies'])) addSpecs(main, list);
  }
  if (isTable(doc['dependency-groups'])) for (const list of Object.values(doc['dependency-groups'])) addSpecs(dev, list);
  const tool = doc.tool;
  const poetry = isTable(tool) ? tool.poetry : undefined;
  if (isTable(poetry)) {
    addKeys(main, poetry.dependencies);
    addKeys(dev, poetry['dev-dependencies']);
    if (isTable(poetry.group)) {
      for (const [name, group] of Object.entries(poetry.group)) if (isTable(group)) addKeys(name === 'main' ? main : dev, group.dependencies);
    }
  }
  // The project itself is not one of its dependencies (Poetry's `packages`, uv's root).
  if (isTable(project) && typeof project.name === 'string') {
    main.delete(normalizeName(project.name));
    dev.delete(normalizeName(project.name));
  }
  return { main, dev };
}

/** Every key reachable from `roots` through `edges` (roots included). */
export function reachable(roots: Iterable<string>, edges: (key: string) => Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const k = stack.pop() as string;
    if (seen.has(k)) continue;
    seen.add(k);
    for (const next of edges(k)) if (!seen.has(next)) stack.push(next);
  }
  return seen;
}
