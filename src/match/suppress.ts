// Applying VEX statements and ignore-file entries to findings: what remains, what was suppressed and why, and which
// ignore entries have expired. Pure: the documents are read by the caller.
import { type IgnoreEntry, type IgnoreFile, ignoreEntryExpired } from './ignore.ts';
import type { Finding } from './matcher.ts';
import { type ParsedPurl, parsePurl, purlMatches } from './purl-match.ts';
import type { SuppressedFinding } from './suppression.ts';
import { applicableVexStatement, indexVex, normaliseId, type VexDocument } from './vex.ts';

/** What suppresses, and what it is about. */
export interface SuppressionInputs {
  vex: readonly VexDocument[];
  ignore: IgnoreFile | null;
  /** The image's package URLs (`pkg:oci/…@<manifest digest>`, and the index digest's), for image-level statements. */
  imagePurls: readonly string[];
  /** When ignore entries' expiry dates are judged. */
  now: Date;
}

export interface SuppressionResult {
  /** Findings not suppressed, in their order; those an `affected` or `under_investigation` statement covers carry it in `vex`. */
  findings: Finding[];
  suppressed: SuppressedFinding[];
  /** Ignore entries past their expiry date: they suppressed nothing. */
  expired: IgnoreEntry[];
}

/**
 * VEX first: the latest applicable statement decides (`not_affected` and `fixed` suppress; `affected` and
 * `under_investigation` annotate). Then the ignore file: the first unexpired entry naming one of a finding's ids
 * (and, when it names a package URL, the finding's package or the image) suppresses it.
 */
export function applySuppressions(all: readonly Finding[], inputs: SuppressionInputs): SuppressionResult {
  const imagePurls = inputs.imagePurls.map(parsePurl).filter((p): p is ParsedPurl => p !== null);
  const index = indexVex(inputs.vex);
  const expired = inputs.ignore?.entries.filter((e) => ignoreEntryExpired(e, inputs.now)) ?? [];
  const active = (inputs.ignore?.entries ?? []).filter((e) => !expired.includes(e));
  const packagePurls = new Map<string, ParsedPurl | null>();

  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const original of all) {
    let packagePurl = packagePurls.get(original.purl);
    if (packagePurl === undefined) packagePurls.set(original.purl, (packagePurl = parsePurl(original.purl)));

    let finding = original;
    const vex = inputs.vex.length ? applicableVexStatement(index, finding, packagePurl, imagePurls) : null;
    if (vex) {
      const { document, statement } = vex;
      if (statement.status === 'not_affected' || statement.status === 'fixed') {
        suppressed.push({
          finding,
          reason: {
            kind: 'vex',
            vulnerability: statement.vulnerability,
            status: statement.status,
            justification: statement.justification,
            statement: statement.impactStatement ?? statement.actionStatement ?? statement.statusNotes,
            document: document.source,
            documentId: document.id,
            timestamp: statement.timestamp,
          },
        });
        continue;
      }
      finding = { ...finding, vex: { status: statement.status, document: document.source, statement: statement.actionStatement ?? statement.impactStatement ?? statement.statusNotes } };
    }

    const ids = new Set(finding.ids.map(normaliseId));
    const entry = active.find((e) => ids.has(normaliseId(e.id)) && namesPackageOrImage(e.purlPattern, packagePurl, imagePurls));
    if (entry && inputs.ignore) {
      suppressed.push({ finding, reason: { kind: 'ignore', id: entry.id, purl: entry.purl, reason: entry.reason, expires: entry.expires, file: inputs.ignore.path } });
      continue;
    }
    findings.push(finding);
  }
  return { findings, suppressed, expired };
}

/** An entry without a package URL names everything; one with a package URL names that package or the image. */
function namesPackageOrImage(pattern: ParsedPurl | null, packagePurl: ParsedPurl | null, imagePurls: readonly ParsedPurl[]): boolean {
  if (pattern === null) return true;
  return (packagePurl !== null && purlMatches(pattern, packagePurl)) || imagePurls.some((image) => purlMatches(pattern, image));
}
