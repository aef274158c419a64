// Vitest global setup: when the tests run against PostgreSQL, bring graphile-worker's shared schema up to date once,
// before any test file starts. Its migrations are broadcast to every worker in the database, and a first migration
// while other test files' workers run would shut them down.
import { DEFAULT_WORKER_SCHEMA } from '../../src/platform/jobs/postgres-queue.ts';

export default async function setup(): Promise<void> {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) return;
  const { runMigrations, Logger } = await import('graphile-worker');
  await runMigrations({ connectionString, schema: DEFAULT_WORKER_SCHEMA, logger: new Logger(() => () => undefined) });
}
