// Authors and maintainers as packages write them (`Name <email>`), split for the formats' person fields.

/** A person or organisation named by a package. */
export interface Person {
  name: string | null;
  email: string | null;
}

/** Split `Name <email>` (also `Name (email)` and a bare address); anything else is all name. */
export function parsePerson(text: string): Person {
  const t = text.trim();
  const m = /^(.*?)\s*[<(]\s*([^\s<>()@]+@[^\s<>()@]+\.[^\s<>()@]+)\s*[>)]\s*$/.exec(t);
  if (m) return { name: m[1] ? m[1].replace(/^["']|["']$/g, '').trim() || null : null, email: m[2] as string };
  if (/^[^\s<>()@]+@[^\s<>()@]+\.[^\s<>()@]+$/.test(t)) return { name: null, email: t };
  return { name: t || null, email: null };
}

/**
 * Whether a maintainer string names a group rather than one person (`Debian Python Team`, `GNU Libc Maintainers`),
 * so SPDX can say `Organization:` instead of `Person:`. A guess from words such names use.
 */
export function looksLikeOrganization(name: string): boolean {
  return /\b(team|maintainers|project|developers|foundation|community|group|inc|ltd|llc|gmbh|corporation|corp|org|authors|contributors)\b/i.test(name);
}
