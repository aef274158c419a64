// Licences of installed Python packages: License-Expression, the free-text License field, and the trove
// classifiers (`License :: OSI Approved :: MIT License`) turned into SPDX where the mapping is unambiguous.
import { NOASSERTION, normalizeLicenses } from '../../licenses.ts';

/**
 * Trove licence classifiers (their last segment) and free-text names seen in License fields, mapped to SPDX.
 * null marks names that do not say which licence or version is meant (`BSD License`: 2- or 3-clause?), so
 * guessing would be wrong; they are kept as `LicenseRef-` identifiers instead.
 */
const KNOWN: Record<string, string | null> = {
  'Academic Free License (AFL)': null,
  // The classifier carries no version, but Apache 1.x has practically no Python packages; every tool reads it as 2.0.
  'Apache Software License': 'Apache-2.0',
  'Apache License 2.0': 'Apache-2.0',
  'Apple Public Source License': null,
  'Artistic License': null,
  'Attribution Assurance License': 'AAL',
  'BSD License': null,
  'Boost Software License 1.0 (BSL-1.0)': 'BSL-1.0',
  'CEA CNRS Inria Logiciel Libre License, version 2.1 (CeCILL-2.1)': 'CECILL-2.1',
  'CC0 1.0 Universal (CC0 1.0) Public Domain Dedication': 'CC0-1.0',
  'Common Development and Distribution License 1.0 (CDDL-1.0)': 'CDDL-1.0',
  'Common Public License': 'CPL-1.0',
  'Eclipse Public License 1.0 (EPL-1.0)': 'EPL-1.0',
  'Eclipse Public License 2.0 (EPL-2.0)': 'EPL-2.0',
  'Eclipse Public License 1.0': 'EPL-1.0',
  'Eclipse Public License 2.0': 'EPL-2.0',
  'Educational Community License, Version 2.0 (ECL-2.0)': 'ECL-2.0',
  'Eiffel Forum License': null,
  'European Union Public Licence 1.0 (EUPL 1.0)': 'EUPL-1.0',
  'European Union Public Licence 1.1 (EUPL 1.1)': 'EUPL-1.1',
  'European Union Public Licence 1.2 (EUPL 1.2)': 'EUPL-1.2',
  'GNU Affero General Public License v3': 'AGPL-3.0-only',
  'GNU Affero General Public License v3 or later (AGPLv3+)': 'AGPL-3.0-or-later',
  'GNU Free Documentation License (FDL)': null,
  'GNU General Public License (GPL)': null,
  'GNU General Public License v2 (GPLv2)': 'GPL-2.0-only',
  'GNU General Public License v2 or later (GPLv2+)': 'GPL-2.0-or-later',
  'GNU General Public License v3 (GPLv3)': 'GPL-3.0-only',
  'GNU General Public License v3 or later (GPLv3+)': 'GPL-3.0-or-later',
  // "LGPLv2" is the Library GPL 2.0; the Lesser GPL starts at 2.1.
  'GNU Lesser General Public License v2 (LGPLv2)': 'LGPL-2.0-only',
  'GNU Lesser General Public License v2 or later (LGPLv2+)': 'LGPL-2.0-or-later',
  'GNU Lesser General Public License v3 (LGPLv3)': 'LGPL-3.0-only',
  'GNU Lesser General Public License v3 or later (LGPLv3+)': 'LGPL-3.0-or-later',
  'GNU Library or Lesser General Public License (LGPL)': null,
  'Historical Permission Notice and Disclaimer (HPND)': 'HPND',
  'IBM Public License': 'IPL-1.0',
  'ISC License (ISCL)': 'ISC',
  'ISC License': 'ISC',
  'Intel Open Source License': 'Intel',
  'MIT License': 'MIT',
  'MIT No Attribution License (MIT-0)': 'MIT-0',
  'MirOS License (MirOS)': 'MirOS',
  'Motosoto License': 'Motosoto',
  'Mozilla Public License 1.0 (MPL)': 'MPL-1.0',
  'Mozilla Public License 1.1 (MPL 1.1)': 'MPL-1.1',
  'Mozilla Public License 2.0 (MPL 2.0)': 'MPL-2.0',
  'Mozilla Public License 2.0': 'MPL-2.0',
  'Mulan Permissive Software License v2 (MulanPSL-2.0)': 'MulanPSL-2.0',
  'Nethack General Public License': 'NGPL',
  'Nokia Open Source License': 'Nokia',
  'Open Group Test Suite License': 'OGTSL',
  'Open Software License 3.0 (OSL-3.0)': 'OSL-3.0',
  'PostgreSQL License': 'PostgreSQL',
  'Python License (CNRI Python License)': 'CNRI-Python',
  'Python Software Foundation License': 'PSF-2.0',
  'Qt Public License (QPL)': 'QPL-1.0',
  'Ricoh Source Code Public License': 'RSCPL',
  'SIL Open Font License 1.1 (OFL-1.1)': 'OFL-1.1',
  'Sleepycat License': 'Sleepycat',
  'Sun Industry Standards Source License (SISSL)': 'SISSL',
  'Sun Public License': 'SPL-1.0',
  'The Unlicense (Unlicense)': 'Unlicense',
  'Universal Permissive License (UPL)': 'UPL-1.0',
  'University of Illinois/NCSA Open Source License': 'NCSA',
  'Vovida Software License 1.0': 'VSL-1.0',
  'W3C License': 'W3C',
  'X.Net License': 'Xnet',
  'Zope Public License': null,
  'zlib/libpng License': 'Zlib',
  'Public Domain': null,
  'Other/Proprietary License': null,
};

/** Lookup key: case, punctuation and "version"/"v" spellings do not matter ("Eclipse Public License v2.0" = "… 2.0"). */
function key(name: string): string {
  return name
    .toLowerCase()
    .replace(/\bversion\s*|\bv(?=\d)/g, '')
    .replace(/[^a-z0-9.+]+/g, ' ')
    .trim();
}

const BY_KEY = new Map<string, string | null>(Object.entries(KNOWN).map(([k, v]) => [key(k), v]));

/** Classifier segments that say nothing about which licence applies. */
const NOT_A_LICENSE = new Set(['OSI Approved', 'DFSG approved', 'Freely Distributable', 'Freeware']);

/** What a package's metadata declares about its licence. */
export interface DeclaredLicense {
  /** `License-Expression` (core metadata 2.4): already SPDX. */
  expression?: string | null;
  /** The free-text `License` field. */
  license?: string | null;
  /** Every `Classifier` value; only `License :: …` ones are read. */
  classifiers?: readonly string[];
}

/**
 * One SPDX expression for a package. License-Expression wins. A License field that names a licence we can map
 * (or is already valid SPDX) comes next; otherwise the classifiers, which are structured where the field is free
 * text. Several licence classifiers mean the author offers a choice (pyphen: GPL, LGPL or MPL), hence OR. Only
 * when neither says anything usable is the free text corrected or kept as a LicenseRef.
 */
export function pythonLicense(d: DeclaredLicense): string {
  const expr = d.expression?.trim();
  if (expr) return normalizeLicenses([expr]);

  const text = usableText(d.license);
  if (text) {
    const mapped = BY_KEY.get(key(text));
    if (mapped) return mapped;
    const normalized = normalizeLicenses([text]);
    if (normalized === text) return normalized; // already a valid SPDX expression
  }

  const fromClassifiers = classifierLicenses(d.classifiers ?? []);
  if (fromClassifiers.length === 1) return fromClassifiers[0] as string;
  if (fromClassifiers.length > 1) return fromClassifiers.map((e) => (/\s/.test(e) ? `(${e})` : e)).join(' OR ');

  if (!text) return NOASSERTION;
  // A name known to be ambiguous stays as written rather than becoming spdx-correct's guess.
  return BY_KEY.get(key(text)) === null ? licenseRef(text) : normalizeLicenses([text]);
}

/** A LicenseRef- identifier keeping the declared name readable. */
function licenseRef(name: string): string {
  return `LicenseRef-${name.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '')}`;
}

/** The License field when it names a licence: not empty, not UNKNOWN, and not a whole licence text pasted in. */
function usableText(license: string | null | undefined): string | null {
  const text = license?.trim();
  if (!text || /^(unknown|none|n\/a|)$/i.test(text)) return null;
  if (text.includes('\n') || text.length > 120) return null;
  return text;
}

function classifierLicenses(classifiers: readonly string[]): string[] {
  const out: string[] = [];
  for (const c of classifiers) {
    const parts = c.split('::').map((p) => p.trim());
    if (parts[0] !== 'License' || parts.length < 2) continue;
    const leaf = parts[parts.length - 1] as string;
    if (NOT_A_LICENSE.has(leaf)) continue;
    const mapped = BY_KEY.get(key(leaf));
    const expr = mapped ?? licenseRef(leaf);
    if (!out.includes(expr)) out.push(expr);
  }
  return out;
}
