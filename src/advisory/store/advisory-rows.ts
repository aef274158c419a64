// How an advisory is laid out in the store's rows: a small JSON head (what matching reads), a deflated body (the
// long text only `find` needs), one row per affected package, and one per alias. Pure: the store and its
// migrations both write through here.
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Advisory, AdvisoryHead, AffectedPackage } from '../../core/advisory.ts';
import { lookupName } from '../names.ts';
import type { AdvisoryTable, AffectedTable, AliasTable } from './schema.ts';

/** The ecosystem string split into its base (`Debian`) and release suffix (`12`); Maven's URL suffix is a release too. */
export function splitEcosystem(ecosystem: string): { base: string; release: string } {
  const colon = ecosystem.indexOf(':');
  return colon < 0 ? { base: ecosystem, release: '' } : { base: ecosystem.slice(0, colon), release: ecosystem.slice(colon + 1) };
}

/** The rows of one advisory. */
export interface AdvisoryRows {
  advisory: AdvisoryTable;
  aliases: AliasTable[];
  affected: AffectedTable[];
}

/** The long parts of an advisory, kept deflated. */
type AdvisoryBody = Pick<Advisory, 'details' | 'references' | 'cwes'>;

/**
 * Lay `a` out in rows, written by `source`. `digest` is the sha256 of the whole advisory's JSON: it tells a changed
 * record from the same one when `modified` does not move.
 */
export function advisoryRows(a: Advisory, source: string): AdvisoryRows {
  const head: AdvisoryHead = { id: a.id, aliases: a.aliases, related: a.related, modified: a.modified, published: a.published, withdrawn: a.withdrawn, summary: a.summary, severity: a.severity };
  const body: AdvisoryBody = { details: a.details, references: a.references, cwes: a.cwes };
  return {
    advisory: {
      id: a.id,
      modified: a.modified,
      published: a.published,
      withdrawn: a.withdrawn,
      severity_rating: a.severity?.rating ?? null,
      severity_score: a.severity?.score ?? null,
      source,
      digest: createHash('sha256').update(JSON.stringify(a)).digest('hex'),
      head: JSON.stringify(head),
      body: deflateBody(JSON.stringify(body)),
    },
    aliases: [...new Set(a.aliases)].filter((alias) => alias !== a.id).map((alias) => ({ alias, advisory_id: a.id })),
    affected: a.affected.map((p, ordinal) => {
      const { base, release } = splitEcosystem(p.ecosystem);
      return { advisory_id: a.id, ecosystem: base, ecosystem_release: release, name: lookupName(base, p.name), ordinal, data: JSON.stringify(p) };
    }),
  };
}

/**
 * Level 1: higher levels win little more room on text this short, and cost import time. The output chunk is sized
 * to the input (deflate never grows text by more than a few bytes), so no 16 KiB chunk is left behind per record.
 */
function deflateBody(json: string): Buffer {
  const bytes = Buffer.from(json);
  return deflateRawSync(bytes, { level: 1, chunkSize: Math.max(64, bytes.length + 64) });
}

/** The advisory head stored in `head`. */
export function readHead(head: string): AdvisoryHead {
  return JSON.parse(head) as AdvisoryHead;
}

/** The whole advisory from its head, body and affected rows (in `ordinal` order). */
export function readAdvisory(head: string, body: Uint8Array, affected: readonly string[]): Advisory {
  const long = JSON.parse(inflateRawSync(body).toString('utf8')) as AdvisoryBody;
  const h = readHead(head);
  return { id: h.id, aliases: h.aliases, related: h.related, modified: h.modified, published: h.published, withdrawn: h.withdrawn, summary: h.summary, details: long.details, severity: h.severity, affected: affected.map((d) => JSON.parse(d) as AffectedPackage), references: long.references, cwes: long.cwes };
}
