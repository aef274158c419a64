// META-INF/maven/<groupId>/<artifactId>/pom.properties: the Java properties file Maven writes into every jar it builds.

/**
 * The key/value pairs of a Java properties file. Follows java.util.Properties closely enough for pom.properties:
 * `#`/`!` comments, `=`, `:` or whitespace as the separator, a trailing backslash continuing the line, and the
 * `\t \n \uXXXX` escapes; a repeated key keeps its last value.
 */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = (lines[i] as string).replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // An odd number of trailing backslashes joins the next line (its leading whitespace dropped).
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + (lines[++i] as string).replace(/^[ \t\f]+/, '');
    }
    const m = /^((?:\\.|[^=:\s\\])*)\s*[=:]?\s*(.*)$/s.exec(line);
    if (!m) continue;
    const key = unescape(m[1] as string);
    if (key !== '') out[key] = unescape(m[2] as string);
  }
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return e === 't' ? '\t' : e === 'n' ? '\n' : e === 'r' ? '\r' : e === 'f' ? '\f' : e;
  });
}

/** The Maven coordinates a pom.properties declares. */
export interface PomProperties {
  groupId: string;
  artifactId: string;
  version: string;
}

/**
 * Coordinates from pom.properties text. A missing groupId or artifactId is taken from `fallback` (the
 * `META-INF/maven/<groupId>/<artifactId>/` directory holding the file); null when still unknown. Version may be empty.
 */
export function parsePomProperties(text: string, fallback: Partial<PomProperties> = {}): PomProperties | null {
  const p = parseProperties(text);
  const groupId = p['groupId']?.trim() || fallback.groupId || '';
  const artifactId = p['artifactId']?.trim() || fallback.artifactId || '';
  if (!groupId || !artifactId) return null;
  return { groupId, artifactId, version: p['version']?.trim() ?? '' };
}
