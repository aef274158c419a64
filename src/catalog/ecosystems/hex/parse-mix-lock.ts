// Parser for Elixir mix.lock: the Hex packages a Mix project has locked (one Elixir term per line).
import type { ParseContext } from '../../cataloger.ts';
import type { Package } from '../../../core/package.ts';
import { makePurl } from '../../purl.ts';
import { buildPackage } from '../../package-builder.ts';

/** The Elixir terms mix.lock uses: strings, atoms, booleans/nil (as atoms), numbers, lists, tuples, keywords. */
type Term = { t: 'str'; v: string } | { t: 'atom'; v: string } | { t: 'num'; v: number } | { t: 'list'; v: Term[] } | { t: 'tuple'; v: Term[] } | { t: 'kw'; k: string; v: Term };

/** A small reader for the subset of Elixir term syntax mix.lock is written in; throws on anything else. */
class TermReader {
  pos = 0;
  readonly src: string;
  constructor(src: string) {
    this.src = src;
  }

  private ws(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos] as string)) this.pos++;
  }

  private string(): string {
    let out = '';
    this.pos++; // opening quote
    while (this.pos < this.src.length) {
      const c = this.src[this.pos++] as string;
      if (c === '"') return out;
      if (c === '\\') out += this.src[this.pos++] ?? '';
      else out += c;
    }
    throw new Error('unterminated string');
  }

  private seq(close: string): Term[] {
    this.pos++; // opening bracket
    const items: Term[] = [];
    for (;;) {
      this.ws();
      if (this.src[this.pos] === close) {
        this.pos++;
        return items;
      }
      items.push(this.term());
      this.ws();
      if (this.src[this.pos] === ',') this.pos++;
      else if (this.src[this.pos] !== close) throw new Error(`expected , or ${close} at ${this.pos}`);
    }
  }

  /** One term; a `key: value` or `"key": value` keyword pair counts as one. */
  term(): Term {
    this.ws();
    const c = this.src[this.pos];
    if (c === '{') return { t: 'tuple', v: this.seq('}') };
    if (c === '[') return { t: 'list', v: this.seq(']') };
    if (c === '"') {
      const s = this.string();
      if (this.src[this.pos] === ':' && /\s/.test(this.src[this.pos + 1] ?? '')) {
        this.pos++;
        return { t: 'kw', k: s, v: this.term() };
      }
      return { t: 'str', v: s };
    }
    if (c === ':') {
      this.pos++;
      if (this.src[this.pos] === '"') return { t: 'atom', v: this.string() };
      return { t: 'atom', v: this.word() };
    }
    const num = /^-?\d+(?:\.\d+)?/.exec(this.src.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return { t: 'num', v: Number(num[0]) };
    }
    const w = this.word();
    if (this.src[this.pos] === ':') {
      this.pos++;
      return { t: 'kw', k: w, v: this.term() };
    }
    // Bare true, false and nil are atoms in Elixir.
    if (w === 'true' || w === 'false' || w === 'nil') return { t: 'atom', v: w };
    throw new Error(`unexpected ${JSON.stringify(w || c)} at ${this.pos}`);
  }

  private word(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_@]*[?!]?/.exec(this.src.slice(this.pos));
    if (!m) throw new Error(`unexpected character at ${this.pos}`);
    this.pos += m[0].length;
    return m[0];
  }
}

function text(t: Term | undefined): string | null {
  return t && (t.t === 'str' || t.t === 'atom') ? t.v : null;
}

/** A dependency entry `{:app, "requirement", [hex: :name, repo: "hexpm", optional: bool]}`. */
function dependency(t: Term): { app: string; requirement: string | null; optional: boolean } | null {
  if (t.t !== 'tuple' || t.v[0]?.t !== 'atom') return null;
  const opts = t.v[2]?.t === 'list' ? t.v[2].v : [];
  const optional = opts.some((o) => o.t === 'kw' && o.k === 'optional' && o.v.t === 'atom' && o.v.v === 'true');
  return { app: t.v[0].v, requirement: text(t.v[1]), optional };
}

/**
 * Parse a mix.lock. Each `"app": {:hex, :package, "version", "checksum", [build tools], [deps], "repo",
 * "outer checksum"}` entry is a Hex package; its purl names the Hex package (which may differ from the
 * app name) and, for a private organisation repository (`hexpm:acme`), the organisation as namespace.
 * Git and path dependencies have no Hex identity and are not reported. Lines that do not read are skipped.
 */
export function parseMixLock(content: Buffer, ctx: ParseContext): Package[] {
  const entries: { app: string; tuple: Term[] }[] = [];
  for (const line of content.toString('utf8').split('\n')) {
    const m = /^\s*("(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*):\s*(\{.*\})\s*,?\s*$/.exec(line);
    if (!m) continue;
    try {
      const app = m[1]?.startsWith('"') ? (JSON.parse(m[1]) as string) : (m[1] as string);
      const term = new TermReader(m[2] as string).term();
      if (term.t === 'tuple') entries.push({ app, tuple: term.v });
    } catch {
      // A line this reader cannot follow is one package lost, not the whole lockfile.
    }
  }
  const locked = new Set(entries.map((e) => e.app));
  const out: Package[] = [];
  for (const { app, tuple } of entries) {
    if (text(tuple[0]) !== 'hex' || tuple[0]?.t !== 'atom') continue;
    const name = text(tuple[1]);
    const version = text(tuple[2]);
    if (!name || !version) continue;
    const deps = tuple[5]?.t === 'list' ? tuple[5].v.map(dependency).filter((d) => d !== null) : [];
    const repo = text(tuple[6]) ?? 'hexpm';
    // Private organisations live at `hexpm:<org>`; other repositories are recorded in metadata only.
    const org = /^hexpm:(.+)$/.exec(repo)?.[1] ?? null;
    const metadata: Record<string, unknown> = { app, repo };
    const checksum = text(tuple[3]);
    const outer = text(tuple[7]);
    if (checksum) metadata['checksum'] = checksum;
    if (outer) metadata['outerChecksum'] = outer;
    const buildTools = tuple[4]?.t === 'list' ? tuple[4].v.map(text).filter((b) => b !== null) : [];
    if (buildTools.length) metadata['buildTools'] = buildTools;
    const optional = deps.filter((d) => d.optional).map((d) => d.app);
    if (optional.length) metadata['optionalDependencies'] = optional;
    out.push(buildPackage(
      {
        type: 'hex',
        namespace: org,
        name,
        version,
        purl: makePurl({ type: 'hex', namespace: org, name, version }),
        // An optional dependency counts only when something else locked it.
        dependsOn: deps.filter((d) => !d.optional || locked.has(d.app)).map((d) => d.app),
        metadata,
      },
      ctx,
    ));
  }
  return out;
}
