// Licence normalisation: whatever a package declares, as an SPDX expression or NOASSERTION.
import spdxCorrect from 'spdx-correct';
import parseSpdx from 'spdx-expression-parse';
import spdxIds from 'spdx-license-ids/index.json' with { type: 'json' };

/** The SPDX value for an unknown licence. */
export const NOASSERTION = 'NOASSERTION';

/**
 * Turn declared licence strings into one SPDX expression. Valid expressions are kept; common spellings are
 * corrected (`Apache 2.0` → `Apache-2.0`); anything else becomes a `LicenseRef-` identifier so the text is not
 * lost. Several declarations are joined with AND (a package under all of them). None gives NOASSERTION.
 */
export function normalizeLicenses(declared: readonly (string | null | undefined)[]): string {
  const parts: string[] = [];
  for (const raw of declared) {
    const text = raw?.trim();
    if (!text || text === NOASSERTION || /^(unknown|none|n\/a)$/i.test(text)) continue;
    const expr = toSpdx(text);
    if (!parts.includes(expr)) parts.push(expr);
  }
  if (parts.length === 0) return NOASSERTION;
  if (parts.length === 1) return parts[0] as string;
  return parts.map((p) => (/\s(AND|OR|WITH)\s/.test(p) ? `(${p})` : p)).join(' AND ');
}

/** SPDX licence ids by lower case, since packages write `mit`, `OpenSSL` or `openssl` alike. */
const idsByLowerCase = new Map(spdxIds.map((id) => [id.toLowerCase(), id]));

/** Licence texts already turned into SPDX: an image repeats the same few dozen across hundreds of packages. */
const spdxByText = new Map<string, string>();

function toSpdx(text: string): string {
  let spdx = spdxByText.get(text);
  if (spdx === undefined) {
    spdx = convertToSpdx(text);
    spdxByText.set(text, spdx);
  }
  return spdx;
}

function convertToSpdx(text: string): string {
  // `GPL-2+` means "version 2 or later". SPDX deprecated the `+` forms of the GNU licences, and spdx-correct reads
  // a bare major version as `-only`, so these are named here.
  const orLater = /^((?:A|L)?GPL)-?v?(\d)(?:\.(\d))?\+$/i.exec(text);
  if (orLater) {
    const family = orLater[1]?.toUpperCase() as string;
    const id = `${family}-${orLater[2]}.${orLater[3] ?? (family === 'LGPL' && orLater[2] === '2' ? '1' : '0')}-or-later`;
    if (idsByLowerCase.has(id.toLowerCase())) return id;
  }
  if (isValid(text)) return text;
  const exact = idsByLowerCase.get(text.toLowerCase());
  if (exact) return exact;
  const corrected = spdxCorrect(text, { upgrade: true });
  if (corrected && isValid(corrected)) return corrected;
  return `LicenseRef-${text.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'unknown'}`;
}

function isValid(expr: string): boolean {
  try {
    parseSpdx(expr);
    return true;
  } catch {
    return false;
  }
}
