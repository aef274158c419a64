// Licence normalisation: whatever a package declares, as an SPDX expression or NOASSERTION.
import spdxCorrect from 'spdx-correct';
import parseSpdx from 'spdx-expression-parse';

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

function toSpdx(text: string): string {
  if (isValid(text)) return text;
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
