// A package's licence string, read the way the standard formats need it: unknown, one listed id, or an expression.
import parseSpdx from 'spdx-expression-parse';
import deprecatedIds from 'spdx-license-ids/deprecated.json' with { type: 'json' };
import spdxIds from 'spdx-license-ids/index.json' with { type: 'json' };

/** A licence as the writers see it. */
export type LicenseInfo =
  /** `NOASSERTION` or nothing: the formats leave the licence out (CycloneDX) or say NOASSERTION (SPDX). */
  | { kind: 'unknown' }
  /** SPDX `NONE`: the package declares that it has no licence. */
  | { kind: 'none' }
  /** A single identifier from the SPDX License List, no `+`, no exception. */
  | { kind: 'id'; id: string }
  /** A valid SPDX expression; `refs` are the `LicenseRef-` ids it uses, which SPDX documents must declare. */
  | { kind: 'expression'; expression: string; refs: string[] }
  /** Text that is no SPDX expression (from an imported SBOM, say), kept as written. */
  | { kind: 'text'; text: string };

const listed = new Set<string>([...spdxIds, ...deprecatedIds]);

/** Classifications by licence text: a document repeats the same few dozen across hundreds of packages. */
const byText = new Map<string, Readonly<LicenseInfo>>();

/** Classify a package's `licenses` value. The result is shared between calls with the same text: do not change it. */
export function readLicense(value: string | null | undefined): Readonly<LicenseInfo> {
  const text = value?.trim() ?? '';
  let info = byText.get(text);
  if (info === undefined) {
    info = classify(text);
    byText.set(text, info);
  }
  return info;
}

function classify(text: string): LicenseInfo {
  if (text === '' || text === 'NOASSERTION') return { kind: 'unknown' };
  if (text === 'NONE') return { kind: 'none' };
  let tree: parseSpdx.Info;
  try {
    tree = parseSpdx(text);
  } catch {
    return { kind: 'text', text };
  }
  const refs: string[] = [];
  let external = false;
  walk(tree, (leaf) => {
    if (leaf.license.startsWith('LicenseRef-') && !refs.includes(leaf.license)) refs.push(leaf.license);
    // A DocumentRef points into another SPDX document this one cannot declare; treat the whole string as text.
    if (leaf.license.startsWith('DocumentRef-')) external = true;
  });
  if (external) return { kind: 'text', text };
  if ('license' in tree && !tree.plus && !tree.exception && listed.has(tree.license)) return { kind: 'id', id: tree.license };
  return { kind: 'expression', expression: text, refs };
}

function walk(node: parseSpdx.Info, visit: (leaf: parseSpdx.LicenseInfo) => void): void {
  if ('license' in node) visit(node);
  else {
    walk(node.left, visit);
    walk(node.right, visit);
  }
}

/** Every SPDX License List identifier (current and deprecated) that `readLicense` reports as `id`. */
export const listedLicenseIds: ReadonlySet<string> = listed;
