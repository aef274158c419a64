// Distribution identity from os-release(5): a parser for its shell-like syntax and a reader over a FileResolver.
import type { OsRelease } from '../core/model.ts';
import type { FileResolver } from '../layerfs/types.ts';

/** Where os-release may live, in the order os-release(5) tells readers to look. */
export const OS_RELEASE_PATHS = ['/etc/os-release', '/usr/lib/os-release'] as const;

/**
 * Parse os-release text. Lines are `KEY=value` in shell syntax: the value may be unquoted, single-quoted (literal)
 * or double-quoted (where `\"`, `\\`, `\$` and `` \` `` are escapes), and quoted parts may be concatenated.
 * Comments, blank lines and lines that are not assignments are ignored; empty values read as null.
 * `path` is recorded as where the values came from.
 */
export function parseOsRelease(text: string, path: string): OsRelease {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m?.[1] || m[2] === undefined) continue;
    values.set(m[1], shellValue(m[2]));
  }
  const get = (key: string): string | null => {
    const v = values.get(key)?.trim();
    return v ? v : null;
  };
  return {
    id: get('ID'),
    versionId: get('VERSION_ID'),
    prettyName: get('PRETTY_NAME'),
    name: get('NAME'),
    versionCodename: get('VERSION_CODENAME'),
    idLike: (get('ID_LIKE') ?? '').split(/\s+/).filter((s) => s !== ''),
    path,
  };
}

/**
 * Read the image's os-release through `resolver`: `/etc/os-release`, else `/usr/lib/os-release`. A file that names
 * no distribution (no ID, NAME or PRETTY_NAME) does not count, so an emptied `/etc/os-release` falls through.
 * Null when neither says anything. Resolver errors (SYMLINK_LOOP among them) propagate.
 */
export async function readOsRelease(resolver: FileResolver): Promise<OsRelease | null> {
  for (const path of OS_RELEASE_PATHS) {
    const bytes = await resolver.readFile(path);
    if (bytes === undefined) continue;
    const release = parseOsRelease(bytes.toString('utf8'), path);
    if (release.id !== null || release.name !== null || release.prettyName !== null) return release;
  }
  return null;
}

// The value part of one assignment, as a shell would see it, up to the first unquoted blank.
function shellValue(raw: string): string {
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const c = raw[i] as string;
    if (c === "'") {
      const end = raw.indexOf("'", i + 1);
      // An unterminated quote runs to the end of the line rather than losing the value.
      out += end < 0 ? raw.slice(i + 1) : raw.slice(i + 1, end);
      i = end < 0 ? raw.length : end + 1;
    } else if (c === '"') {
      i++;
      while (i < raw.length && raw[i] !== '"') {
        const d = raw[i] as string;
        const next = raw[i + 1];
        if (d === '\\' && next !== undefined && '"\\$`'.includes(next)) {
          out += next;
          i += 2;
        } else {
          out += d;
          i++;
        }
      }
      i++;
    } else if (c === '\\') {
      out += raw[i + 1] ?? '';
      i += 2;
    } else if (c === ' ' || c === '\t') {
      break;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
