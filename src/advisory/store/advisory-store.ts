// The advisory store: advisories, their aliases and affected packages in SQLite (embedded, the default) or
// PostgreSQL, through one Kysely code path and one set of migrations.
import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Advisory, AdvisoryHead, AffectedPackage, ExploitPrediction, KnownExploited } from '../../core/advisory.ts';
import { lookupName } from '../names.ts';
import { advisoryRows, readAdvisory, readHead } from './advisory-rows.ts';
import { migrateToLatest } from './migrations.ts';
import { openDatabase, type StoreLocation } from './open-database.ts';
import type { AdvisoryDatabase } from './schema.ts';

export type { StoreLocation } from './open-database.ts';

/** What an upsert did. */
export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** One source's bookkeeping, as `db status` shows it. */
export interface SourceStatus {
  name: string;
  fingerprint: string | null;
  count: number;
  updatedAt: string;
}

/** An advisory (its head: what matching needs) with the one affected package a lookup found it by. */
export interface AffectedMatch {
  advisory: AdvisoryHead;
  affected: AffectedPackage;
}

/** Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
const ROWS_PER_INSERT = 400;

/** The key of an affected package: ecosystem (without release) and lookup name, as the `affected` table holds them. */
export function affectedKey(ecosystem: string, name: string): string {
  return `${ecosystem}\n${name}`;
}

export class AdvisoryStore {
  readonly db: Kysely<AdvisoryDatabase>;
  readonly dialect: 'sqlite' | 'postgres';

  private constructor(db: Kysely<AdvisoryDatabase>, dialect: 'sqlite' | 'postgres') {
    this.db = db;
    this.dialect = dialect;
  }

  /** Open (creating and migrating as needed) the store at `location`. Throws SextantError STORE on failure. */
  static async open(location: StoreLocation): Promise<AdvisoryStore> {
    const { db, dialect } = await openDatabase<AdvisoryDatabase>(location, 'advisory store', 4, migrateToLatest);
    return new AdvisoryStore(db, dialect);
  }

  async close(): Promise<void> {
    if (!this.db.isTransaction) await this.db.destroy();
  }

  /**
   * Run `work` against this store inside one transaction: everything it wrote lands together, or (when it throws)
   * nothing does and the store is as it was.
   */
  async atomically<T>(work: (store: AdvisoryStore) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return work(this);
    return this.db.transaction().execute((tx) => work(new AdvisoryStore(tx, this.dialect)));
  }

  /**
   * Insert or replace advisories in one transaction. A stored advisory is replaced by a newer `modified`, or by
   * different content under the same `modified` (the Go database leaves `modified` at year 1); never by an older
   * one. Its aliases and affected packages are replaced with it. `source` names who wrote it. `changed`, when
   * given, collects the `affectedKey` of every package an inserted or replaced advisory names or named.
   */
  async upsert(advisories: readonly Advisory[], source: string, changed?: Set<string>): Promise<UpsertCounts> {
    const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
    // The newest copy of each id in this batch.
    const byId = new Map<string, Advisory>();
    for (const a of advisories) {
      const seen = byId.get(a.id);
      if (!seen || seen.modified < a.modified) byId.set(a.id, a);
    }
    if (byId.size === 0) return counts;
    await this.atomically(async ({ db: tx }) => {
      const stored = new Map<string, { modified: string; digest: string }>();
      const ids = [...byId.keys()];
      for (let i = 0; i < ids.length; i += ROWS_PER_INSERT) {
        const rows = await tx.selectFrom('advisory').select(['id', 'modified', 'digest']).where('id', 'in', ids.slice(i, i + ROWS_PER_INSERT)).execute();
        for (const r of rows) stored.set(r.id, r);
      }
      const fresh: Advisory[] = [];
      const replaced: Advisory[] = [];
      const rows = new Map<string, ReturnType<typeof advisoryRows>>();
      for (const a of byId.values()) {
        const r = advisoryRows(a, source);
        rows.set(a.id, r);
        const old = stored.get(a.id);
        if (old === undefined) fresh.push(a);
        else if (old.modified < a.modified || (old.modified === a.modified && old.digest !== r.advisory.digest)) replaced.push(a);
        else counts.unchanged++;
      }
      const replacedIds = replaced.map((a) => a.id);
      for (let i = 0; i < replacedIds.length; i += ROWS_PER_INSERT) {
        const chunk = replacedIds.slice(i, i + ROWS_PER_INSERT);
        // A replaced advisory may no longer name a package it named: that package's findings change too.
        if (changed) for (const r of await tx.selectFrom('affected').select(['ecosystem', 'name']).where('advisory_id', 'in', chunk).execute()) changed.add(affectedKey(r.ecosystem, r.name));
        await tx.deleteFrom('affected').where('advisory_id', 'in', chunk).execute();
        await tx.deleteFrom('advisory_alias').where('advisory_id', 'in', chunk).execute();
        await tx.deleteFrom('advisory').where('id', 'in', chunk).execute();
      }
      const writing = [...fresh, ...replaced].map((a) => rows.get(a.id) as ReturnType<typeof advisoryRows>);
      const advisoryRowsOut = writing.map((r) => r.advisory);
      const aliasRows = writing.flatMap((r) => r.aliases);
      const affectedRows = writing.flatMap((r) => r.affected);
      if (changed) for (const r of affectedRows) changed.add(affectedKey(r.ecosystem, r.name));
      for (let i = 0; i < advisoryRowsOut.length; i += ROWS_PER_INSERT) await tx.insertInto('advisory').values(advisoryRowsOut.slice(i, i + ROWS_PER_INSERT)).execute();
      for (let i = 0; i < aliasRows.length; i += ROWS_PER_INSERT) await tx.insertInto('advisory_alias').values(aliasRows.slice(i, i + ROWS_PER_INSERT)).execute();
      for (let i = 0; i < affectedRows.length; i += ROWS_PER_INSERT) await tx.insertInto('affected').values(affectedRows.slice(i, i + ROWS_PER_INSERT)).execute();
      counts.inserted = fresh.length;
      counts.updated = replaced.length;
    });
    return counts;
  }

  /**
   * Advisories (withdrawn ones left out) with an affected package named one of `names` in `ecosystem` (base, without
   * a release). With `release`, only entries of that release, or of releases under it (`enterprise_linux:9` covers
   * `enterprise_linux:9::appstream`), are returned; without, every release's. Names compare as the ecosystem's index
   * does (`lookupName`: PEP 503 for PyPI, case-blind for NuGet and Packagist, exact elsewhere).
   */
  async affecting(ecosystem: string, names: readonly string[], release?: string | null): Promise<AffectedMatch[]> {
    const out: AffectedMatch[] = [];
    const heads = new Map<string, AdvisoryHead>();
    const unique = [...new Set(names.map((n) => lookupName(ecosystem, n)))];
    for (let i = 0; i < unique.length; i += ROWS_PER_INSERT) {
      let query = this.db
        .selectFrom('affected')
        .innerJoin('advisory', 'advisory.id', 'affected.advisory_id')
        .select(['affected.data', 'advisory.id', 'advisory.head'])
        .where('affected.ecosystem', '=', ecosystem)
        .where('affected.name', 'in', unique.slice(i, i + ROWS_PER_INSERT))
        .where('advisory.withdrawn', 'is', null);
      if (release != null) {
        const under = `${release}:`;
        query = query.where((eb) => eb.or([eb('affected.ecosystem_release', '=', release), eb(eb.fn('substr', ['affected.ecosystem_release', eb.val(1), eb.val(under.length)]), '=', under)]));
      }
      for (const r of await query.execute()) {
        let head = heads.get(r.id);
        if (!head) heads.set(r.id, (head = readHead(r.head)));
        out.push({ advisory: head, affected: JSON.parse(r.data) as AffectedPackage });
      }
    }
    return out;
  }

  /** The advisory with this id, or the ones that list it as an alias (a CVE id names several GHSA/DSA records). */
  async find(idOrAlias: string): Promise<Advisory[]> {
    const own = await this.db.selectFrom('advisory').select(['id', 'head', 'body']).where('id', '=', idOrAlias).executeTakeFirst();
    const rows = own
      ? [own]
      : await this.db
          .selectFrom('advisory_alias')
          .innerJoin('advisory', 'advisory.id', 'advisory_alias.advisory_id')
          .select(['advisory.id', 'advisory.head', 'advisory.body'])
          .where('advisory_alias.alias', '=', idOrAlias)
          .orderBy('advisory.id')
          .execute();
    const out: Advisory[] = [];
    for (const r of rows) {
      const affected = await this.db.selectFrom('affected').select('data').where('advisory_id', '=', r.id).orderBy('ordinal').execute();
      out.push(readAdvisory(r.head, r.body, affected.map((x) => x.data)));
    }
    return out;
  }

  /** Record a source run: what was read (fingerprint) and how many advisories it holds. */
  async recordSource(name: string, fingerprint: string | null, count: number, at = new Date().toISOString()): Promise<void> {
    await this.db
      .insertInto('source')
      .values({ name, fingerprint, count, updated_at: at })
      .onConflict((oc) => oc.column('name').doUpdateSet({ fingerprint, count, updated_at: at }))
      .execute();
  }

  /**
   * A cheap value that changes whenever the advisories may have: every import and update run records its source,
   * so the source table (a few rows) stands for the whole store. Callers cache `summary()` behind it.
   */
  async changeMarker(): Promise<string> {
    return JSON.stringify(await this.sources());
  }

  async sources(): Promise<SourceStatus[]> {
    const rows = await this.db.selectFrom('source').selectAll().orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, fingerprint: r.fingerprint, count: Number(r.count), updatedAt: r.updated_at }));
  }

  /** Counts, and a digest naming the database's content (ids and modified times): findings cite it. */
  async summary(): Promise<{ advisories: number; withdrawn: number; affected: number; lastModified: string | null; digest: string }> {
    const row = await this.db
      .selectFrom('advisory')
      .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.max('modified').as('last'), sql<number | string>`sum(case when withdrawn is null then 0 else 1 end)`.as('w')])
      .executeTakeFirstOrThrow();
    const affected = await this.db.selectFrom('affected').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    const hash = createHash('sha256');
    // Keyset pages rather than a cursor: the same on both databases, bounded memory on either.
    for (let after = ''; ; ) {
      const page = await this.db.selectFrom('advisory').select(['id', 'modified']).where('id', '>', after).orderBy('id').limit(5000).execute();
      for (const r of page) hash.update(`${r.id}\t${r.modified}\n`);
      if (page.length < 5000) break;
      after = (page[page.length - 1] as { id: string }).id;
    }
    return {
      advisories: Number(row.n),
      withdrawn: Number(row.w ?? 0),
      affected: Number(affected.n),
      lastModified: (row.last as string | null) ?? null,
      digest: `sha256:${hash.digest('hex')}`,
    };
  }

  // ---- Exploitation data: CISA KEV and FIRST EPSS, each table replaced whole by an update ----

  /** Replace the Known Exploited Vulnerabilities table with `entries` (a CVE listed twice keeps its last entry); returns the count. */
  async replaceKnownExploited(entries: Iterable<KnownExploited>): Promise<number> {
    const byCve = new Map<string, KnownExploited>();
    for (const e of entries) byCve.set(e.cve, e);
    const rows = [...byCve.values()].map((e) => ({
      cve: e.cve,
      vendor_project: e.vendorProject,
      product: e.product,
      vulnerability_name: e.vulnerabilityName,
      date_added: e.dateAdded,
      due_date: e.dueDate,
      required_action: e.requiredAction,
      known_ransomware: e.knownRansomware ? 1 : 0,
    }));
    await this.atomically(async ({ db: tx }) => {
      await tx.deleteFrom('known_exploited').execute();
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await tx.insertInto('known_exploited').values(rows.slice(i, i + ROWS_PER_INSERT)).execute();
    });
    return rows.length;
  }

  /**
   * Replace the EPSS table with `predictions`, read as they come (an async source is never held whole) and written
   * in batches; a CVE given twice keeps its last score. Returns the number of CVEs stored.
   */
  async replaceExploitPredictions(predictions: AsyncIterable<ExploitPrediction> | Iterable<ExploitPrediction>): Promise<number> {
    return this.atomically(async ({ db: tx }) => {
      await tx.deleteFrom('exploit_prediction').execute();
      let batch = new Map<string, ExploitPrediction>();
      const flush = async () => {
        const rows = [...batch.values()].map((p) => ({ cve: p.cve, score: p.score, percentile: p.percentile, date: p.date }));
        batch = new Map();
        await tx
          .insertInto('exploit_prediction')
          .values(rows)
          .onConflict((oc) =>
            oc.column('cve').doUpdateSet((eb) => ({ score: eb.ref('excluded.score'), percentile: eb.ref('excluded.percentile'), date: eb.ref('excluded.date') })),
          )
          .execute();
      };
      for await (const p of predictions) {
        batch.set(p.cve, p);
        if (batch.size >= ROWS_PER_INSERT) await flush();
      }
      if (batch.size > 0) await flush();
      const row = await tx.selectFrom('exploit_prediction').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    });
  }

  /** The KEV entries of those of `cves` the catalogue lists, by CVE id. */
  async knownExploited(cves: readonly string[]): Promise<Map<string, KnownExploited>> {
    const out = new Map<string, KnownExploited>();
    const unique = [...new Set(cves)];
    for (let i = 0; i < unique.length; i += ROWS_PER_INSERT) {
      const rows = await this.db.selectFrom('known_exploited').selectAll().where('cve', 'in', unique.slice(i, i + ROWS_PER_INSERT)).execute();
      for (const r of rows) {
        out.set(r.cve, {
          cve: r.cve,
          vendorProject: r.vendor_project,
          product: r.product,
          vulnerabilityName: r.vulnerability_name,
          dateAdded: r.date_added,
          dueDate: r.due_date,
          requiredAction: r.required_action,
          knownRansomware: Number(r.known_ransomware) === 1,
        });
      }
    }
    return out;
  }

  /** The EPSS scores of those of `cves` that have one, by CVE id. */
  async exploitPredictions(cves: readonly string[]): Promise<Map<string, ExploitPrediction>> {
    const out = new Map<string, ExploitPrediction>();
    const unique = [...new Set(cves)];
    for (let i = 0; i < unique.length; i += ROWS_PER_INSERT) {
      const rows = await this.db.selectFrom('exploit_prediction').selectAll().where('cve', 'in', unique.slice(i, i + ROWS_PER_INSERT)).execute();
      for (const r of rows) out.set(r.cve, { cve: r.cve, score: Number(r.score), percentile: Number(r.percentile), date: r.date });
    }
    return out;
  }
}
