// pip requirements files (`requirements*.txt`): only requirements pinned with `==` name an exact package.
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { parseRequirement, pinnedVersion } from './pep508.ts';
import { decodeText, pypiPackage } from './python-package.ts';

/**
 * Logical lines of a requirements file: `\`-continuations joined, comments removed (pip strips `#` to the end of
 * the line; we also strip it when glued to a version, `Jinja2==3.0.0#comment`, which can never be part of one).
 */
export function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    if (/(^|[^\\])\\$/.test(raw)) {
      pending += `${raw.slice(0, -1)} `;
      continue;
    }
    const line = stripComment(pending + raw).trim();
    pending = '';
    if (line) out.push(line);
  }
  const last = stripComment(pending).trim();
  if (last) out.push(last);
  return out;
}

function stripComment(line: string): string {
  // A URL's fragment (`…#egg=name`) is not a comment: pip only strips `#` at the start or after whitespace.
  if (/:\/\//.test(line)) return line.replace(/(^|\s)#.*$/, '');
  const i = line.indexOf('#');
  return i < 0 ? line : line.slice(0, i);
}

/**
 * Parses a requirements file. Options (`-r`, `-c`, `-e`, `--index-url`, …) are skipped: an included file is
 * cataloged on its own when it matches the glob, and editable or URL requirements pin no index version.
 * Per-requirement options (`--hash=…`) are cut off. Ranges and wildcards name no exact package and are skipped.
 */
export function parseRequirements(content: Buffer, ctx: ParseContext): Package[] {
  const out: Package[] = [];
  const seen = new Set<string>();
  for (const line of logicalLines(decodeText(content))) {
    if (line.startsWith('-')) continue;
    // Per-requirement options start at the first ` -` / ` --` outside the marker's quoted strings.
    const req = parseRequirement(line.replace(/\s+--?[a-z][\w-]*(?:[=\s].*)?$/i, ''));
    if (!req || req.url) continue;
    const version = pinnedVersion(req);
    if (!version) continue;
    const id = `${req.name.toLowerCase()}@${version}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const metadata: Record<string, unknown> = {};
    if (req.extras.length) metadata.extras = req.extras;
    if (req.marker) metadata.marker = req.marker;
    // A requirements file may be hand-written (direct) or `pip freeze` output (everything): it does not say which.
    out.push(pypiPackage({ name: req.name, version, direct: null, metadata }, ctx));
  }
  return out;
}
