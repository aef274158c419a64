// META-INF/MANIFEST.MF: the JAR manifest's main section (Implementation-*, Specification-*, Bundle-* attributes).

/**
 * The main attributes of a JAR manifest, by name as written. The main section ends at the first blank line (the
 * per-entry sections after it describe single classes). A line starting with one space continues the previous
 * value: the format wraps at 72 bytes even inside words, so the space is dropped and nothing is inserted.
 * Lines without `:` are skipped. A repeated attribute keeps its last value, as java.util.jar.Manifest does.
 */
export function parseManifest(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let key: string | null = null;
  for (const line of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    if (line === '') {
      // Blank lines before any attribute are tolerated; after one, the main section is over.
      if (Object.keys(out).length > 0) break;
      continue;
    }
    if (line.startsWith(' ')) {
      if (key !== null && out[key] !== undefined) out[key] += line.slice(1);
      continue;
    }
    const sep = line.indexOf(':');
    if (sep <= 0) {
      key = null;
      continue;
    }
    const name = line.slice(0, sep).trim();
    out[name] = line.slice(sep + 1).replace(/^ /, '');
    key = name;
  }
  for (const k of Object.keys(out)) out[k] = (out[k] as string).trim();
  return out;
}
