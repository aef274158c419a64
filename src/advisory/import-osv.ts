// `db import`: OSV records from local files, directories or zips into the advisory store, all in one transaction
// (an import that fails leaves the store as it was), in batches so memory stays bounded however big the dump. The
// batched upsert (`upsertOsvPath`) is shared with `db update`.
import type { Advisory } from '../core/advisory.ts';
import { osvDocuments } from './feeds/osv/osv-files.ts';
import { parseOsvJson } from './feeds/osv/parse-osv.ts';
import type { AdvisoryStore, UpsertCounts } from './store/advisory-store.ts';

/** Advisories written per upsert. */
const BATCH = 500;

/** What an import did. */
export interface ImportResult extends UpsertCounts {
  documents: number;
  advisories: number;
}

/**
 * Import every OSV record under `paths` into `store`, atomically. Each path becomes a source `import:<path>` with
 * the count it held. Throws (and writes nothing) on the first unreadable path or malformed record.
 */
export async function importOsv(store: AdvisoryStore, paths: readonly string[], onProgress?: (advisories: number) => void): Promise<ImportResult> {
  const result: ImportResult = { documents: 0, advisories: 0, inserted: 0, updated: 0, unchanged: 0 };
  await store.atomically(async (tx) => {
    for (const path of paths) {
      const source = `import:${path}`;
      const count = await upsertOsvPath(tx, path, source, result, onProgress);
      await tx.recordSource(source, null, count);
    }
  });
  return result;
}

/**
 * Upsert every OSV record under `path` (a file, directory or zip) into `store` as written by `source`, in batches,
 * adding to the running totals in `result`; returns how many records `path` held. Callers wrap it in a transaction
 * (`store.atomically`) when it must be all or nothing; it throws on the first unreadable or malformed record.
 */
export async function upsertOsvPath(
  store: AdvisoryStore,
  path: string,
  source: string,
  result: ImportResult,
  onProgress?: (advisories: number) => void,
  changed?: Set<string>,
): Promise<number> {
  let batch: Advisory[] = [];
  let count = 0;
  const flush = async () => {
    const counts = await store.upsert(batch, source, changed);
    result.inserted += counts.inserted;
    result.updated += counts.updated;
    result.unchanged += counts.unchanged;
    batch = [];
    onProgress?.(result.advisories);
  };
  for await (const doc of osvDocuments(path)) {
    result.documents++;
    for (const advisory of parseOsvJson(doc.bytes, doc.origin)) {
      batch.push(advisory);
      count++;
      result.advisories++;
    }
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return count;
}
