// PEP 508 dependency specifiers (`name[extra] >=1.0, <2 ; python_version < "3.8"`), as far as cataloging needs them.

/** One parsed requirement. */
export interface Requirement {
  /** The name as written. */
  name: string;
  extras: string[];
  /** Version clauses, e.g. [{op: '>=', version: '1.0'}]. Empty when unconstrained or a URL requirement. */
  specifiers: { op: string; version: string }[];
  /** The environment marker after `;`, or null. */
  marker: string | null;
  /** The URL of a `name @ url` requirement, or null. */
  url: string | null;
}

/** A PEP 508 name: letters and digits at both ends, `.`, `_` and `-` inside. */
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;
const CLAUSE = /^\s*(===|==|~=|!=|<=|>=|<|>)\s*([^\s,;]+)\s*$/;

/**
 * Parses one requirement string; null when it is not a valid specifier. Accepts the older parenthesised form
 * that wheel METADATA still carries (`cryptography (>=39.0)`).
 */
export function parseRequirement(text: string): Requirement | null {
  let rest = text.trim();
  const name = NAME.exec(rest)?.[0];
  if (!name) return null;
  rest = rest.slice(name.length).trimStart();
  let extras: string[] = [];
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0) return null;
    extras = rest
      .slice(1, end)
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    if (extras.some((e) => !NAME.test(e) || NAME.exec(e)?.[0] !== e)) return null;
    rest = rest.slice(end + 1).trimStart();
  }
  let marker: string | null = null;
  if (rest.startsWith('@')) {
    // `name @ url ; marker`: a space must precede the `;` since URLs may contain one.
    const m = /^@\s*(\S+)(?:\s+;\s*(.*))?$/.exec(rest);
    if (!m?.[1]) return null;
    return { name, extras, specifiers: [], marker: m[2]?.trim() || null, url: m[1] };
  }
  const semi = rest.indexOf(';');
  if (semi >= 0) {
    marker = rest.slice(semi + 1).trim() || null;
    rest = rest.slice(0, semi).trim();
  }
  if (rest.startsWith('(') && rest.endsWith(')')) rest = rest.slice(1, -1).trim();
  const specifiers: { op: string; version: string }[] = [];
  if (rest !== '') {
    for (const clause of rest.split(',')) {
      const m = CLAUSE.exec(clause);
      if (!m?.[1] || !m[2]) return null;
      specifiers.push({ op: m[1], version: m[2] });
    }
  }
  return { name, extras, specifiers, marker, url: null };
}

/** A version a specifier pins exactly (`==1.2.3`, `===1.2.3`), or null: wildcards (`==1.*`) and ranges pin nothing. */
export function pinnedVersion(req: Requirement): string | null {
  for (const { op, version } of req.specifiers) {
    if ((op === '==' || op === '===') && isVersionLike(version)) return version;
  }
  return null;
}

/** Looks like a PEP 440 (or at least a legacy) version: no wildcard, quote, template or variable syntax. */
export function isVersionLike(version: string): boolean {
  return /^v?[0-9][A-Za-z0-9.!+_-]*$/.test(version);
}

/** True when a marker makes the requirement conditional on an extra (`extra == "test"`): not installed by default. */
export function needsExtra(marker: string | null): boolean {
  return marker !== null && /\bextra\s*==/.test(marker);
}
