// Parser for go.mod: the main module, required modules (direct unless `// indirect`), replace directives applied.
import { posix } from 'node:path';
import type { ParseContext } from '../../cataloger.ts';
import type { Package } from '../../../core/package.ts';
import { goModulePackage } from './go-module.ts';
import { readGoSum } from './parse-go-sum.ts';

interface Line {
  verb: string;
  args: string[];
  comment: string;
}

/** Split one go.mod line into tokens (quoted paths unquoted) and its trailing `//` comment. */
function tokenize(line: string): { tokens: string[]; comment: string } {
  const tokens: string[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (line.startsWith('//', i)) {
      return { tokens, comment: line.slice(i + 2).trim() };
    } else if (ch === '"' || ch === '`') {
      const end = line.indexOf(ch, i + 1);
      const stop = end < 0 ? line.length : end;
      tokens.push(line.slice(i + 1, stop).replace(/\\(.)/g, '$1'));
      i = stop + 1;
    } else if (ch === '(' || ch === ')') {
      tokens.push(ch);
      i++;
    } else {
      let j = i;
      while (j < line.length && !/\s/.test(line[j] as string) && !line.startsWith('//', j) && line[j] !== '(' && line[j] !== ')') j++;
      tokens.push(line.slice(i, j));
      i = j;
    }
  }
  return { tokens, comment: '' };
}

/** Every directive in a go.mod, with `verb ( … )` blocks flattened into one line per entry. */
function directives(text: string): Line[] {
  const out: Line[] = [];
  let block: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const { tokens, comment } = tokenize(raw);
    if (tokens.length === 0) continue;
    if (block !== null) {
      if (tokens[0] === ')') block = null;
      else out.push({ verb: block, args: tokens, comment });
      continue;
    }
    const [verb, ...args] = tokens as [string, ...string[]];
    if (args.length === 1 && args[0] === '(') block = verb;
    else out.push({ verb, args, comment });
  }
  return out;
}

// Replacement targets that are directories: the module's code is local, not a published version.
const LOCAL = /^(?:\.{1,2}\/|\/|\.{1,2}$|[A-Za-z]:[\\/])/;

interface Replace {
  oldVersion: string | null;
  path: string;
  version: string | null;
}

/**
 * Parse a go.mod. The main module is reported without a version (`metadata.root`); each required module is direct
 * unless marked `// indirect`. A `replace` with a version substitutes the module (path and version) as the build
 * does; one that names a local directory drops the module, whose code is then the application's own. The toolchain
 * (or a Go 1.21+ `go` line) gives the minimum standard library version, as module `stdlib`. Before Go 1.17 a
 * go.mod lists only some indirect modules, so the go.sum beside it, when present, adds the rest as indirect.
 */
export async function parseGoMod(content: Buffer, ctx: ParseContext): Promise<Package[]> {
  const lines = directives(content.toString('utf8'));
  let main: string | null = null;
  let goVersion: string | null = null;
  let toolchain: string | null = null;
  const requires: { path: string; version: string; indirect: boolean }[] = [];
  const replaces = new Map<string, Replace[]>();
  for (const { verb, args, comment } of lines) {
    if (verb === 'module' && args[0]) main = args[0];
    else if (verb === 'go' && args[0]) goVersion = args[0];
    else if (verb === 'toolchain' && args[0]) toolchain = args[0];
    else if (verb === 'require' && args[0] && args[1]) requires.push({ path: args[0], version: args[1], indirect: /^indirect\b/.test(comment) });
    else if (verb === 'replace') {
      const arrow = args.indexOf('=>');
      const from = args.slice(0, arrow);
      const to = args.slice(arrow + 1);
      if (arrow < 1 || !from[0] || !to[0]) continue;
      replaces.set(from[0], [...(replaces.get(from[0]) ?? []), { oldVersion: from[1] ?? null, path: to[0], version: to[1] ?? null }]);
    }
  }

  const out: Package[] = [];
  if (main) out.push(goModulePackage(main, '', null, { root: true, ...(goVersion ? { goVersion } : {}) }, ctx));
  const sums = await goSumBeside(ctx);
  const seen = new Set<string>();
  for (const req of requires) {
    // A replace naming this exact version wins over one for all versions, as in the go command.
    const candidates = replaces.get(req.path) ?? [];
    const rep = candidates.find((r) => r.oldVersion === req.version) ?? candidates.find((r) => r.oldVersion === null);
    const metadata: Record<string, unknown> = {};
    let path = req.path;
    let version = req.version;
    if (rep) {
      if (LOCAL.test(rep.path) || rep.version === null) continue;
      metadata['replaces'] = { path: req.path, version: req.version };
      path = rep.path;
      version = rep.version;
    }
    const h1 = sums.get(`${path}@${version}`);
    if (h1) metadata['h1Digest'] = h1;
    seen.add(path);
    out.push(goModulePackage(path, version, !req.indirect, metadata, ctx));
  }
  if (goVersion !== null && before117(goVersion)) {
    for (const [key, h1] of sums) {
      const at = key.lastIndexOf('@');
      const path = key.slice(0, at);
      if (seen.has(path) || path === main) continue;
      seen.add(path);
      out.push(goModulePackage(path, key.slice(at + 1), false, { h1Digest: h1, fromGoSum: true }, ctx));
    }
  }
  const std = stdlibVersion(toolchain, goVersion);
  if (std) out.push(goModulePackage('stdlib', std, true, { minimum: true, ...(toolchain ? { toolchain } : {}) }, ctx));
  return out;
}

/** `go1.22.5` (toolchain) or a three-part `go` line (Go 1.21+, where it is a minimum toolchain) as `v1.22.5`. */
function stdlibVersion(toolchain: string | null, goVersion: string | null): string | null {
  const t = toolchain ? /^go(\d+\.\d+\.\d+)\b/.exec(toolchain) : null;
  if (t?.[1]) return `v${t[1]}`;
  if (goVersion && /^\d+\.\d+\.\d+$/.test(goVersion)) return `v${goVersion}`;
  return null;
}

function before117(goVersion: string): boolean {
  const [major = 0, minor = 0] = goVersion.split('.').map(Number);
  return major < 1 || (major === 1 && minor < 17);
}

/** Content checksums (`h1:`) of the go.sum beside the go.mod, by `path@version`; empty when there is none. */
async function goSumBeside(ctx: ParseContext): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const sum = await ctx.readFile(posix.join(posix.dirname(ctx.location.path), 'go.sum'));
  if (!sum) return out;
  for (const e of readGoSum(sum.toString('utf8'))) if (!e.goModOnly) out.set(`${e.path}@${e.version}`, e.hash);
  return out;
}
