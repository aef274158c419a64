// The platform store's schema migrations: one list, run the same way on SQLite and PostgreSQL. Their bookkeeping
// tables are named for the platform, so the platform and advisory stores can share one database.
import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';

const migrations = (dialect: 'sqlite' | 'postgres'): Record<string, Migration> => {
  // An integer key the database assigns: SQLite's rowid alias, PostgreSQL's serial.
  const generatedKey = dialect === 'postgres' ? 'serial' : 'integer';
  return {
    '001-platform': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('org')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('token')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('org_id', 'text', (c) => c.notNull().references('org.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull().unique())
          .addColumn('scopes', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_used_at', 'text')
          .addColumn('revoked_at', 'text')
          .execute();
        await db.schema.createIndex('token_org').on('token').column('org_id').execute();

        await db.schema
          .createTable('image')
          .addColumn('id', generatedKey, (c) => c.primaryKey())
          .addColumn('org_id', 'text', (c) => c.notNull().references('org.id').onDelete('cascade'))
          .addColumn('digest', 'text', (c) => c.notNull())
          .addColumn('index_digest', 'text')
          .addColumn('config_digest', 'text')
          .addColumn('reference', 'text', (c) => c.notNull())
          .addColumn('repository', 'text')
          .addColumn('tag', 'text')
          .addColumn('registry_type', 'text')
          .addColumn('created', 'text')
          .addColumn('os', 'text')
          .addColumn('architecture', 'text')
          .addColumn('pushed_at', 'text', (c) => c.notNull())
          .addColumn('layer_count', 'integer', (c) => c.notNull())
          .addColumn('chain_id', 'text')
          .addColumn('package_count', 'integer', (c) => c.notNull())
          .addColumn('database', 'text', (c) => c.notNull())
          .addColumn('metadata', 'text', (c) => c.notNull())
          .addColumn('distro', 'text')
          .addColumn('relationships', 'text', (c) => c.notNull())
          .addColumn('secrets', 'text', (c) => c.notNull())
          .addColumn('sbom_generated_at', 'text', (c) => c.notNull())
          .addColumn('tool_version', 'text', (c) => c.notNull())
          .addUniqueConstraint('image_org_digest', ['org_id', 'digest'])
          .execute();
        await db.schema.createIndex('image_org_pushed').on('image').columns(['org_id', 'pushed_at', 'digest']).execute();
        await db.schema.createIndex('image_org_chain').on('image').columns(['org_id', 'chain_id']).execute();

        // Content rows (layers, packages) carry no foreign keys from their referrers: they are never deleted, and
        // the checks would cost every push a lookup per package. Packages are referred to by a small integer id
        // and found by their content digest. Indexes are only those a query here needs: each one costs every push.
        await db.schema
          .createTable('layer')
          .addColumn('diff_id', 'text', (c) => c.primaryKey())
          .addColumn('digest', 'text', (c) => c.notNull())
          .addColumn('size', 'bigint', (c) => c.notNull())
          .addColumn('media_type', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('image_layer')
          .addColumn('image_id', 'integer', (c) => c.notNull().references('image.id').onDelete('cascade'))
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('diff_id', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text')
          .addPrimaryKeyConstraint('image_layer_pk', ['image_id', 'position'])
          .execute();
        await db.schema.createIndex('image_layer_diff').on('image_layer').column('diff_id').execute();

        await db.schema
          .createTable('package')
          .addColumn('id', generatedKey, (c) => c.primaryKey())
          .addColumn('digest', 'text', (c) => c.notNull().unique())
          .addColumn('purl', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('version', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('package_coordinate')
          .addColumn('package_id', 'integer', (c) => c.notNull())
          .addColumn('ecosystem', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('package_coordinate_pk', ['package_id', 'ecosystem', 'name'])
          .execute();
        await db.schema.createIndex('package_coordinate_lookup').on('package_coordinate').columns(['ecosystem', 'name']).execute();
        await db.schema
          .createTable('image_package')
          .addColumn('image_id', 'integer', (c) => c.notNull().references('image.id').onDelete('cascade'))
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('package_id', 'integer', (c) => c.notNull())
          .addColumn('locations', 'text', (c) => c.notNull())
          .addColumn('direct', 'integer')
          .addPrimaryKeyConstraint('image_package_pk', ['image_id', 'position'])
          .execute();
        await db.schema.createIndex('image_package_package').on('image_package').column('package_id').execute();

        await db.schema
          .createTable('finding')
          .addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('image_id', 'integer', (c) => c.notNull().references('image.id').onDelete('cascade'))
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('package_id', 'integer')
          .addColumn('purl', 'text', (c) => c.notNull())
          .addColumn('display_id', 'text', (c) => c.notNull())
          .addColumn('ids', 'text', (c) => c.notNull())
          .addColumn('advisory_ids', 'text', (c) => c.notNull())
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('first_seen', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('finding_pk', ['image_id', 'position'])
          .execute();
        await db.schema
          .createTable('finding_event')
          .addColumn('seq', generatedKey, (c) => c.primaryKey())
          .addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('image_id', 'integer', (c) => c.notNull().references('image.id').onDelete('cascade'))
          .addColumn('display_id', 'text', (c) => c.notNull())
          .addColumn('purl', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('cause', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('finding_event_image').on('finding_event').columns(['image_id', 'seq']).execute();
        await db.schema.createIndex('finding_event_org').on('finding_event').columns(['org_id', 'seq']).execute();

        await db.schema
          .createTable('environment')
          .addColumn('id', generatedKey, (c) => c.primaryKey())
          .addColumn('org_id', 'text', (c) => c.notNull().references('org.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('environment_org_name', ['org_id', 'name'])
          .execute();
        await db.schema
          .createTable('deployment')
          .addColumn('id', generatedKey, (c) => c.primaryKey())
          .addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('environment_id', 'integer', (c) => c.notNull().references('environment.id').onDelete('cascade'))
          .addColumn('namespace', 'text', (c) => c.notNull())
          .addColumn('workload', 'text', (c) => c.notNull())
          .addColumn('workload_type', 'text', (c) => c.notNull())
          .addColumn('digest', 'text', (c) => c.notNull())
          .addColumn('since', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('deployment_environment').on('deployment').column('environment_id').execute();
        await db.schema.createIndex('deployment_org_digest').on('deployment').columns(['org_id', 'digest']).execute();
        await db.schema
          .createTable('environment_event')
          .addColumn('seq', generatedKey, (c) => c.primaryKey())
          .addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('environment_id', 'integer', (c) => c.notNull().references('environment.id').onDelete('cascade'))
          .addColumn('namespace', 'text', (c) => c.notNull())
          .addColumn('workload', 'text', (c) => c.notNull())
          .addColumn('workload_type', 'text', (c) => c.notNull())
          .addColumn('digest', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('environment_event_environment').on('environment_event').columns(['environment_id', 'seq']).execute();

        await db.schema
          .createTable('catalog_image')
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('tag', 'text', (c) => c.notNull())
          .addColumn('digest', 'text')
          .addColumn('layers', 'text', (c) => c.notNull())
          .addColumn('layer_count', 'integer', (c) => c.notNull())
          .addColumn('chain_id', 'text', (c) => c.notNull())
          .addColumn('added_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('catalog_image_pk', ['name', 'tag'])
          .execute();
        await db.schema.createIndex('catalog_image_chain').on('catalog_image').column('chain_id').execute();
      },
    },
    '002-jobs-webhooks': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('job')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('org_id', 'text')
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('max_attempts', 'integer', (c) => c.notNull())
          .addColumn('run_at', 'text', (c) => c.notNull())
          .addColumn('job_key', 'text', (c) => c.unique())
          .addColumn('last_error', 'text')
          .addColumn('result', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('job_due').on('job').columns(['state', 'run_at']).execute();

        await db.schema
          .createTable('webhook')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('org_id', 'text', (c) => c.notNull().references('org.id').onDelete('cascade'))
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('events', 'text', (c) => c.notNull())
          .addColumn('last_seq', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('webhook_org').on('webhook').column('org_id').execute();
        await db.schema
          .createTable('webhook_delivery')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhook.id').onDelete('cascade'))
          .addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('event_count', 'integer', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('max_attempts', 'integer', (c) => c.notNull())
          .addColumn('last_status', 'integer')
          .addColumn('last_error', 'text')
          .addColumn('next_attempt_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('delivered_at', 'text')
          .execute();
        await db.schema.createIndex('webhook_delivery_webhook').on('webhook_delivery').columns(['webhook_id', 'created_at']).execute();
      },
    },
    // Re-evaluation reads and replaces the findings of a few packages on many images: by package first, so the
    // plan does not hang on fresh statistics (without them PostgreSQL scanned the whole table).
    '003-finding-by-package': {
      async up(db: Kysely<unknown>) {
        await db.schema.createIndex('finding_package').on('finding').columns(['package_id', 'image_id']).execute();
      },
    },
    // Findings move from images to package content: each package's findings are stored once and an image's are
    // read through its packages, so a push stores none of its own and a re-evaluation rewrites a few package rows.
    // Stored image findings carry over to their packages (the first image's copy of each).
    '004-package-findings': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('package_finding')
          .addColumn('package_id', 'integer', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('display_id', 'text', (c) => c.notNull())
          .addColumn('purl', 'text', (c) => c.notNull())
          .addColumn('ids', 'text', (c) => c.notNull())
          .addColumn('advisory_ids', 'text', (c) => c.notNull())
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('first_seen', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('package_finding_pk', ['package_id', 'display_id'])
          .execute();
        // Which packages have a vulnerability: the vulnerability's images, and an image's other copies of a finding.
        await db.schema.createIndex('package_finding_display').on('package_finding').columns(['display_id', 'package_id']).execute();
        await sql`
          insert into package_finding (package_id, position, display_id, purl, ids, advisory_ids, severity, data, first_seen)
          select package_id, row_number() over (partition by package_id order by min_position) - 1, display_id, purl, ids, advisory_ids, severity, data, first_seen
          from (
            select f.package_id, f.display_id, f.purl, f.ids, f.advisory_ids, f.severity, f.data, f.first_seen, f.position as min_position,
              row_number() over (partition by f.package_id, f.display_id order by f.image_id, f.position) as copy
            from finding f where f.package_id is not null
          ) first_copies
          where copy = 1`.execute(db);
        await db.schema.dropTable('finding').execute();
        // Images holding a package, and whether one image holds it: by package, then image.
        await db.schema.dropIndex('image_package_package').execute();
        await db.schema.createIndex('image_package_package').on('image_package').columns(['package_id', 'image_id']).execute();
      },
    },
    // Catalog entries per platform: one name and tag may be known for several platforms (`linux/amd64`,
    // `linux/arm/v7`; '' when unknown, as the entries stored before are). The key gains the platform: SQLite cannot
    // change a primary key in place, so the table is rebuilt (new, copy, drop, rename) on both dialects alike.
    '005-catalog-platforms': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('catalog_image_new')
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('tag', 'text', (c) => c.notNull())
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('digest', 'text')
          .addColumn('layers', 'text', (c) => c.notNull())
          .addColumn('layer_count', 'integer', (c) => c.notNull())
          .addColumn('chain_id', 'text', (c) => c.notNull())
          .addColumn('added_at', 'text', (c) => c.notNull())
          // Named for its key: PostgreSQL names the key's index after it, and the old table's name is still taken here.
          .addPrimaryKeyConstraint('catalog_image_platform_pk', ['name', 'tag', 'platform'])
          .execute();
        await sql`
          insert into catalog_image_new (name, tag, platform, digest, layers, layer_count, chain_id, added_at)
          select name, tag, '', digest, layers, layer_count, chain_id, added_at from catalog_image`.execute(db);
        // Dropping the old table drops its index on chain_id too; the new table gets it back under the same name.
        await db.schema.dropTable('catalog_image').execute();
        await db.schema.alterTable('catalog_image_new').renameTo('catalog_image').execute();
        await db.schema.createIndex('catalog_image_chain').on('catalog_image').column('chain_id').execute();
      },
    },
    // Finding events carry the finding's severity rating, so the open findings by severity can be counted back
    // through time from the events alone (the overview's trend). Events stored before take the rating their
    // finding has now (the worst, should several packages with the purl rate it differently), where the finding
    // is still stored; the rest stay `unknown`. The trend reads an org's events by time, rating and kind only: an
    // index of just those is read instead of the table (and finds an advisory update's events by time).
    '006-finding-event-severity': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .alterTable('finding_event')
          .addColumn('severity', 'text', (c) => c.notNull().defaultTo('unknown'))
          .execute();
        await sql`
          update finding_event set severity = (
            select substr(min(case pf.severity when 'critical' then '0' when 'high' then '1' when 'medium' then '2' when 'low' then '3' else '4' end || pf.severity), 2)
            from package_finding pf
            where pf.display_id = finding_event.display_id and pf.purl = finding_event.purl
          )
          where exists (select 1 from package_finding pf where pf.display_id = finding_event.display_id and pf.purl = finding_event.purl)`.execute(db);
        await db.schema.createIndex('finding_event_org_at').on('finding_event').columns(['org_id', 'at', 'severity', 'kind']).execute();
      },
    },
  };
};

/**
 * Bring `db` (a `dialect` database) up to the latest platform schema, or with `target` (a migration's name) up to
 * and including that migration only; throws the first migration error.
 */
export async function migratePlatform(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres', target?: string): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  // Kysely looks for its bookkeeping tables in every PostgreSQL schema unless told which one: another schema's
  // copy (a second install, a parallel test run) would otherwise pass for ours.
  const schema = dialect === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'platform_migration',
    migrationLockTableName: 'platform_migration_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error } = target === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(target);
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
