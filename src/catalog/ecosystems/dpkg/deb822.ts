// The deb822 control-file syntax (deb822(5)) shared by dpkg's status database and machine-readable copyright files.

/** One paragraph: field names lower-cased (deb822 field names are case-insensitive), values as written. */
export type Paragraph = Map<string, string>;

/**
 * Split deb822 text into paragraphs. Paragraphs are separated by blank lines (whitespace-only lines count as
 * blank, as dpkg accepts them); a line starting with a space or tab continues the previous field, and its text is
 * appended after a newline with the leading whitespace kept off. Lines that are neither fields nor continuations
 * (binary noise, a truncated write) are skipped rather than failing the whole database.
 */
export function parseDeb822(text: string): Paragraph[] {
  const out: Paragraph[] = [];
  let current: Paragraph = new Map();
  let lastKey: string | null = null;
  const flush = (): void => {
    if (current.size > 0) out.push(current);
    current = new Map();
    lastKey = null;
  };
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (line[0] === ' ' || line[0] === '\t') {
      if (lastKey !== null) current.set(lastKey, `${current.get(lastKey) ?? ''}\n${line.trim()}`);
      continue;
    }
    if (line[0] === '#') continue;
    const colon = line.indexOf(':');
    // A field name is printable ASCII without spaces or colons and does not start with '-' (deb822(5)).
    if (colon <= 0 || !/^[!-9;-~]+$/.test(line.slice(0, colon)) || line[0] === '-') {
      lastKey = null;
      continue;
    }
    lastKey = line.slice(0, colon).toLowerCase();
    current.set(lastKey, line.slice(colon + 1).trim());
  }
  flush();
  return out;
}

/** The trimmed value of `key`, or null when absent or empty. */
export function field(p: Paragraph, key: string): string | null {
  const v = p.get(key)?.trim();
  return v ? v : null;
}
