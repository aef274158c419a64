// Parser for installed gem specifications (`specifications/*.gemspec`): Ruby source read with regexes, never run.
import type { ParseContext } from '../../cataloger.ts';
import type { Package } from '../../../core/package.ts';
import { normalizeLicenses } from '../../licenses.ts';
import { makePurl } from '../../purl.ts';
import { buildPackage } from '../../package-builder.ts';

// A Ruby string literal as RubyGems writes it: "…" (with escapes), '…', or %q<…> / %q{…} / %q(…) / %q[…].
const STR = String.raw`(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|%q<[^>]*>|%q\{[^}]*\}|%q\([^)]*\)|%q\[[^\]]*\])`;

/** The value of one Ruby string literal (as matched by STR), with double-quote escapes decoded. */
export function rubyString(literal: string): string {
  if (literal.startsWith('%q')) return literal.slice(3, -1);
  const body = literal.slice(1, -1);
  if (literal.startsWith("'")) return body.replace(/\\(['\\])/g, '$1');
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_m, e: string) => {
    switch (e[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'e':
        return '\x1b';
      case 'u':
        return String.fromCodePoint(parseInt(e.replace(/[u{}]/g, ''), 16));
      case 'x':
        return String.fromCharCode(parseInt(e.slice(1), 16));
      default:
        return e;
    }
  });
}

/** Every string literal inside `text` (an array literal's body), in order. */
function stringsIn(text: string): string[] {
  return [...text.matchAll(new RegExp(STR, 'g'))].map((m) => rubyString(m[0]));
}

/** The right-hand side of `<var>.<attr> = …` as a single string literal (optionally wrapped in Gem::Version.new). */
function scalar(src: string, attr: string): string | null {
  const re = new RegExp(String.raw`^[ \t]*\w+\.${attr}[ \t]*=[ \t]*(?:Gem::Version\.new\(\s*)?(${STR})`, 'm');
  const m = re.exec(src);
  return m?.[1] ? rubyString(m[1]) : null;
}

/** The right-hand side of `<var>.<attr> = [ … ]` (possibly over several lines) or a single string. */
function list(src: string, attr: string): string[] | null {
  const re = new RegExp(String.raw`^[ \t]*\w+\.${attr}[ \t]*=[ \t]*(\[[^\]]*\]|${STR})`, 'm');
  const m = re.exec(src);
  if (!m?.[1]) return null;
  return stringsIn(m[1]);
}

/**
 * Parse one installed gemspec. The file is Ruby that RubyGems generated (`s.name = "rake".freeze`), so the fields
 * are read with anchored regexes; a file without a name and version yields nothing.
 */
export function parseGemspec(content: Buffer, ctx: ParseContext): Package[] {
  const src = content.toString('utf8');
  const name = scalar(src, 'name');
  const version = scalar(src, 'version');
  if (!name || !version) return [];
  // RubyGems' `licenses=` wraps a single string in an array, so `s.licenses = "MIT"` means ["MIT"].
  const licenses = [...(list(src, 'licenses') ?? []), ...(list(src, 'license') ?? [])];
  const authors = list(src, 'authors') ?? [];
  const summary = scalar(src, 'summary');
  const description = scalar(src, 'description');
  const homepage = scalar(src, 'homepage');
  // Runtime dependencies only: development ones are not installed with the gem. Generated specs repeat every
  // dependency as plain `add_dependency` in an `else` branch for old RubyGems, so that form counts only when the
  // explicit runtime/development forms are absent.
  const deps = new Set<string>();
  const explicit = /\.add_(?:runtime|development)_dependency\b/.test(src);
  const depRe = new RegExp(String.raw`\.add_${explicit ? 'runtime_' : ''}dependency\(?\s*(${STR})`, 'g');
  for (const m of src.matchAll(depRe)) if (m[1]) deps.add(rubyString(m[1]));
  const metadata: Record<string, unknown> = {};
  if (homepage) metadata['homepage'] = homepage;
  if (summary && description && summary !== description) metadata['summary'] = summary;
  return [
    buildPackage(
      {
        type: 'gem',
        name,
        version,
        purl: makePurl({ type: 'gem', name, version }),
        authors,
        description: (description ?? summary)?.trim() || null,
        licenses: normalizeLicenses(licenses),
        dependsOn: [...deps],
        metadata,
      },
      ctx,
    ),
  ];
}
