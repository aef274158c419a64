// Glob patterns over absolute image paths: `*`, `**`, `?`, `[...]` and `{a,b}`, compiled to regular expressions.

/** Most alternatives one pattern may expand to through `{a,b}` groups; beyond this the pattern is refused. */
const MAX_EXPANSIONS = 256;

/** A compiled glob: a matcher plus the literal directories under which matches can lie. */
export interface CompiledGlob {
  readonly pattern: string;
  readonly regex: RegExp;
  /**
   * One entry per `{a,b}` expansion: the longest literal directory prefix (`/usr/lib` for `/usr/lib/**\/*.so`),
   * and whether the whole expansion is a literal path (then `base` is that path and no walk is needed).
   */
  readonly bases: readonly { base: string; literal: boolean }[];
  /**
   * Literal endings, one per expansion (`.jar` for `**\/*.jar`): a path ending in none of them cannot match,
   * a cheap test before the regex. Null when some expansion ends in a wildcard.
   */
  readonly suffixes: readonly string[] | null;
  test(path: string): boolean;
}

/**
 * Compiles a glob. Patterns match absolute normalised paths; a pattern not starting with `/` or `**` is taken
 * from the root (`etc/*` is `/etc/*`). `*` and `?` never cross `/`; `**` spans any depth, and a trailing `/**`
 * matches everything below a directory but not the directory itself. Dotfiles are not special.
 * Throws a plain Error for a pattern with too many `{a,b}` expansions (a programming error, not input).
 */
export function compileGlob(pattern: string): CompiledGlob {
  const expansions = expandBraces(pattern).map(anchor);
  const sources = expansions.map(segmentsToRegex);
  const regex = new RegExp(`^(?:${sources.join('|')})$`, 's');
  const bases = expansions.map(literalBase);
  const tails = expansions.map(literalTail);
  const suffixes = tails.includes('') ? null : [...new Set(tails)];
  const test =
    suffixes === null
      ? (path: string) => regex.test(path)
      : (path: string) => suffixes.some((s) => path.endsWith(s)) && regex.test(path);
  return { pattern, regex, bases, suffixes, test };
}

const cache = new Map<string, CompiledGlob>();

/** compileGlob with a small cache: catalogers ask for the same patterns again and again. */
export function glob(pattern: string): CompiledGlob {
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    if (cache.size > 1000) cache.clear();
    compiled = compileGlob(pattern);
    cache.set(pattern, compiled);
  }
  return compiled;
}

/** True when `path` matches `pattern`. */
export function matchGlob(pattern: string, path: string): boolean {
  return glob(pattern).test(path);
}

function anchor(pattern: string): string {
  return pattern.startsWith('/') || pattern.startsWith('**') ? pattern : '/' + pattern;
}

/** Expands `{a,b}` groups (nested allowed) into plain patterns; `\` escapes a brace or comma. */
function expandBraces(pattern: string): string[] {
  const open = findUnescaped(pattern, '{', 0);
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  let close = -1;
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) {
        close = i;
        break;
      }
    } else if (c === ',' && depth === 1) {
      commas.push(i);
    }
  }
  // An unclosed or comma-less group is literal text, as in shells.
  if (close < 0) return [pattern];
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  if (commas.length === 0) return expandBraces(head + '\\{' + pattern.slice(open + 1, close) + '\\}' + tail);
  const cuts = [open, ...commas, close];
  const out: string[] = [];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const alt = pattern.slice((cuts[k] as number) + 1, cuts[k + 1]);
    for (const expanded of expandBraces(head + alt + tail)) {
      out.push(expanded);
      if (out.length > MAX_EXPANSIONS) throw new Error(`glob ${JSON.stringify(pattern)} expands to more than ${MAX_EXPANSIONS} patterns`);
    }
  }
  return out;
}

function findUnescaped(s: string, ch: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ch) return i;
  }
  return -1;
}

function segmentsToRegex(pattern: string): string {
  const segments = pattern.split('/');
  let out = '';
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    const first = i === 0;
    const last = i === segments.length - 1;
    if (seg === '**') {
      // `**` as a whole segment spans directories; the separators around it are folded in so zero depth works.
      if (first && last) out += '.*';
      else if (first) out += '(?:.*/)?';
      else if (last) out += '/.*';
      else out += '/(?:.*/)?';
      continue;
    }
    // After a `**` segment the separator is already part of its expression.
    if (!first && segments[i - 1] !== '**') out += '/';
    out += segmentToRegex(seg);
  }
  return out;
}

function segmentToRegex(seg: string): string {
  let out = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i] as string;
    if (c === '\\' && i + 1 < seg.length) {
      out += escapeRegex(seg[++i] as string);
    } else if (c === '*') {
      while (seg[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = seg.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      body = body.replace(/[\\\]^]/g, (m) => '\\' + m);
      out += negate ? `[^/${body}]` : `[${body}]`;
      i = close;
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? '\\' + c : c;
}

function literalTail(pattern: string): string {
  let i = pattern.length;
  while (i > 0 && !'*?[]}\\'.includes(pattern[i - 1] as string)) i--;
  return pattern.slice(i);
}

function literalBase(pattern: string): { base: string; literal: boolean } {
  const segments = pattern.split('/');
  const kept: string[] = [];
  for (const seg of segments) {
    if (/[*?[\\]/.test(seg)) return { base: kept.length <= 1 ? '/' : kept.join('/'), literal: false };
    kept.push(seg);
  }
  const path = kept.join('/');
  return { base: path === '' ? '/' : path, literal: true };
}
