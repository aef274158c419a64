// Parser for Debian machine-readable copyright files (DEP-5, `/usr/share/doc/<pkg>/copyright`): declared licences.
import { normalizeLicenses } from '../../licenses.ts';
import { field, parseDeb822 } from './deb822.ts';

/**
 * The licences a machine-readable copyright file declares, each as an SPDX expression: the header's `License`
 * and every `Files` paragraph's. Stand-alone `License` paragraphs only hold texts of licences named elsewhere,
 * so they add nothing. A free-form (non-DEP-5) file yields nothing: guessing from prose is not reliable.
 */
export function parseCopyrightLicenses(content: Buffer): string[] {
  if (content.includes(0)) return [];
  const paragraphs = parseDeb822(content.toString('utf8'));
  const header = paragraphs[0];
  if (!header || field(header, 'format') === null) return [];
  const out: string[] = [];
  for (const [i, p] of paragraphs.entries()) {
    if (i > 0 && !p.has('files')) continue;
    // The first line of License is the short name (an expression); the lines after it are the licence text.
    const short = field(p, 'license')?.split('\n')[0]?.trim();
    if (!short) continue;
    const expr = debianLicenseToSpdx(short);
    if (expr !== null && !out.includes(expr)) out.push(expr);
  }
  return out;
}

/**
 * One DEP-5 licence expression (`GPL-2+ or Artistic`, `GPL-3+ with Bison exception`) as SPDX. DEP-5 short
 * names differ from SPDX ids (`GPL-2+` is GPL-2.0-or-later, `Expat` is MIT, `Artistic` is Artistic 1.0);
 * exceptions only grant extra permissions, so the base licence is kept. Null when nothing is declared.
 */
export function debianLicenseToSpdx(expression: string): string | null {
  // DEP-5 precedence, loosest first: `, and` then `or` then `and`.
  const clauses = expression.split(/\s*,\s*and\s+/i).map((clause) => join(clause.split(/\s+or\s+|\s*\|\s*/i).map(allOf), 'OR'));
  return join(clauses, 'AND');
}

function allOf(text: string): string | null {
  const parts = text
    .split(/\s+and\s+|\s*,\s*/i)
    .map(debianShortName)
    .filter((t): t is string => t !== null)
    .map((t) => normalizeLicenses([t]))
    .filter((t) => t !== 'NOASSERTION');
  return join(parts, 'AND');
}

// Join SPDX sub-expressions with `op`, bracketing compound operands; null when there are none.
function join(parts: (string | null)[], op: 'AND' | 'OR'): string | null {
  const unique = [...new Set(parts.filter((p): p is string => p !== null))];
  if (unique.length <= 1) return unique[0] ?? null;
  return unique.map((p) => (/\s/.test(p) ? `(${p})` : p)).join(` ${op} `);
}

// A single DEP-5 short name as the SPDX id it stands for, where the spelling alone does not say; null for prose
// (a sentence where a short name belongs), which names no licence.
function debianShortName(term: string): string | null {
  const t = term.replace(/\s+with\s+.*$/i, '').trim();
  if (t === '' || /\s/.test(t)) return null;
  const gfdl = /^GFDL(-NIV)?-(\d\.\d)(\+)?$/i.exec(t);
  if (gfdl) return `GFDL-${gfdl[2]}${gfdl[1] ? '-no-invariants' : ''}${gfdl[3] ? '-or-later' : '-only'}`;
  const gpl = /^(A|L)?GPL-?v?(\d)(?:\.(\d))?(\+)?$/i.exec(t);
  if (gpl) {
    const [, prefix = '', major, minor = '0', plus] = gpl;
    return `${prefix.toUpperCase()}GPL-${major}.${minor}${plus ? '-or-later' : '-only'}`;
  }
  const known: Record<string, string> = {
    expat: 'MIT',
    'mit/x11': 'MIT',
    artistic: 'Artistic-1.0',
    'artistic-1': 'Artistic-1.0',
    'artistic-2': 'Artistic-2.0',
    // An unversioned GPL lets the recipient choose any version (GPL §9).
    gpl: 'GPL-1.0-or-later',
    lgpl: 'LGPL-2.0-or-later',
    'apache-2': 'Apache-2.0',
    zlib: 'Zlib',
    'public-domain': 'LicenseRef-public-domain',
    pd: 'LicenseRef-public-domain',
  };
  return known[t.toLowerCase()] ?? t;
}
