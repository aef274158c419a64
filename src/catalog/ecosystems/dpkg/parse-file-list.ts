// Parsers for the lists of files dpkg records per package: `info/<pkg>.list` and distroless `<pkg>.md5sums`.

/**
 * The paths in a dpkg `info/<package>[:<arch>].list` file, one absolute path per line. The root entry `/.` that
 * every list starts with is left out; directories are kept, since dpkg lists (and `dpkg -L` shows) them too.
 */
export function parseFileList(content: Buffer): string[] {
  const out: string[] = [];
  for (const line of content.toString('utf8').split('\n')) {
    const path = line.replace(/\r$/, '');
    if (path === '' || path === '/.' || !path.startsWith('/')) continue;
    out.push(path);
  }
  return out;
}

/**
 * The paths in an md5sums file (`<md5>  <path relative to the root>` per line), as absolute paths. Distroless
 * images carry these in `status.d/<package>.md5sums` instead of `info/*.list`; malformed lines are skipped.
 */
export function parseMd5sums(content: Buffer): string[] {
  const out: string[] = [];
  for (const line of content.toString('utf8').split('\n')) {
    const m = /^[0-9a-fA-F]{32}\s+\*?(.+?)\r?$/.exec(line);
    if (!m?.[1]) continue;
    out.push(m[1].startsWith('/') ? m[1] : `/${m[1]}`);
  }
  return out;
}
