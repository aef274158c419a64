// Environments: what runs where now (deployment rows) and how that changed (environment_event rows). A recorded
// snapshot is diffed against the current rows; only the differences are written.
import type { Kysely } from 'kysely';
import { inChunks } from './chunks.ts';
import type { PlatformDatabase } from './schema.ts';

/** One workload running one image digest in an environment. */
export interface Deployment {
  namespace: string | null;
  workload: string;
  workloadType: string;
  digest: string;
}

/** A deployment added to or removed from an environment. */
export interface EnvironmentEvent {
  environment: string;
  digest: string;
  namespace: string | null;
  workload: string;
  workloadType: string;
  kind: 'added' | 'removed';
  at: string;
}

/** A deployment's identity: the same workload running the same digest. */
const keyOf = (d: Deployment) => `${d.namespace ?? ''}\n${d.workload}\n${d.workloadType}\n${d.digest}`;

function compareDeployments(a: Deployment, b: Deployment): number {
  const ka = keyOf(a);
  const kb = keyOf(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The id of environment `name` of org `orgId`, created (at `at`) when it does not exist yet. */
async function environmentId(tx: Kysely<PlatformDatabase>, orgId: string, name: string, at: string): Promise<number> {
  await tx
    .insertInto('environment')
    .values({ org_id: orgId, name, created_at: at })
    .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing())
    .execute();
  const row = await tx.selectFrom('environment').select('id').where('org_id', '=', orgId).where('name', '=', name).executeTakeFirstOrThrow();
  return Number(row.id);
}

/** The current deployments of environment `envId`, with their row ids. */
async function currentDeployments(tx: Kysely<PlatformDatabase>, envId: number): Promise<(Deployment & { id: number })[]> {
  const rows = await tx.selectFrom('deployment').select(['id', 'namespace', 'workload', 'workload_type', 'digest']).where('environment_id', '=', envId).execute();
  return rows.map((r) => ({ id: Number(r.id), namespace: r.namespace === '' ? null : r.namespace, workload: r.workload, workloadType: r.workload_type, digest: r.digest }));
}

/**
 * Inside transaction `tx`: make `next` what environment `environment` of org `orgId` runs, starting from its
 * current deployments, and record the additions and removals as events at `at`.
 */
async function applySnapshot(tx: Kysely<PlatformDatabase>, orgId: string, envId: number, current: (Deployment & { id: number })[], next: readonly Deployment[], at: string): Promise<{ added: number; removed: number }> {
  const wanted = new Map<string, Deployment>();
  for (const d of next) wanted.set(keyOf(d), d);
  const present = new Map(current.map((d) => [keyOf(d), d]));
  const added = [...wanted].filter(([k]) => !present.has(k)).map(([, d]) => d).sort(compareDeployments);
  const removed = [...present].filter(([k]) => !wanted.has(k)).map(([, d]) => d).sort(compareDeployments);

  const removedIds = removed.map((d) => d.id);
  await inChunks(removedIds, (chunk) => tx.deleteFrom('deployment').where('id', 'in', chunk).execute());
  const columns = (d: Deployment) => ({ org_id: orgId, environment_id: envId, namespace: d.namespace ?? '', workload: d.workload, workload_type: d.workloadType, digest: d.digest });
  await inChunks(added, (chunk) => tx.insertInto('deployment').values(chunk.map((d) => ({ ...columns(d), since: at }))).execute());
  const events = [...removed.map((d) => ({ ...columns(d), kind: 'removed' as const, at })), ...added.map((d) => ({ ...columns(d), kind: 'added' as const, at }))];
  await inChunks(events, (chunk) => tx.insertInto('environment_event').values(chunk).execute());
  return { added: added.length, removed: removed.length };
}

/** Inside `tx`: replace what environment `environment` of org `orgId` runs with the snapshot `deployments`. */
export async function recordSnapshot(tx: Kysely<PlatformDatabase>, orgId: string, environment: string, deployments: readonly Deployment[], at: string): Promise<{ added: number; removed: number }> {
  const envId = await environmentId(tx, orgId, environment, at);
  return applySnapshot(tx, orgId, envId, await currentDeployments(tx, envId), deployments, at);
}

/**
 * Inside `tx`: record that `deployment` runs in environment `environment` of org `orgId` now, in place of whatever
 * digest the same workload (namespace, name and type) ran there before; other workloads are left as they are.
 */
export async function recordOne(tx: Kysely<PlatformDatabase>, orgId: string, environment: string, deployment: Deployment, at: string): Promise<{ added: number; removed: number }> {
  const envId = await environmentId(tx, orgId, environment, at);
  const current = await currentDeployments(tx, envId);
  const sameWorkload = (d: Deployment) => (d.namespace ?? '') === (deployment.namespace ?? '') && d.workload === deployment.workload && d.workloadType === deployment.workloadType;
  return applySnapshot(tx, orgId, envId, current, [...current.filter((d) => !sameWorkload(d)), deployment], at);
}

/** Every environment of org `orgId` with what it runs, by name, deployments sorted by namespace, workload, type, digest. */
export async function readEnvironments(db: Kysely<PlatformDatabase>, orgId: string): Promise<{ name: string; deployments: Deployment[] }[]> {
  const envs = await db.selectFrom('environment').select(['id', 'name']).where('org_id', '=', orgId).execute();
  const rows = await db.selectFrom('deployment').select(['environment_id', 'namespace', 'workload', 'workload_type', 'digest']).where('org_id', '=', orgId).execute();
  const byEnv = new Map<number, Deployment[]>();
  for (const r of rows) {
    const list = byEnv.get(Number(r.environment_id)) ?? [];
    list.push({ namespace: r.namespace === '' ? null : r.namespace, workload: r.workload, workloadType: r.workload_type, digest: r.digest });
    byEnv.set(Number(r.environment_id), list);
  }
  return envs
    .map((e) => ({ name: e.name, deployments: (byEnv.get(Number(e.id)) ?? []).sort(compareDeployments) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The changes to environment `environment` of org `orgId`, oldest first (empty when there is no such environment). */
export async function readHistory(db: Kysely<PlatformDatabase>, orgId: string, environment: string): Promise<EnvironmentEvent[]> {
  const rows = await db
    .selectFrom('environment_event')
    .innerJoin('environment', 'environment.id', 'environment_event.environment_id')
    .select(['environment_event.namespace', 'environment_event.workload', 'environment_event.workload_type', 'environment_event.digest', 'environment_event.kind', 'environment_event.at'])
    .where('environment.org_id', '=', orgId)
    .where('environment.name', '=', environment)
    .orderBy('environment_event.seq')
    .execute();
  return rows.map((r) => ({ environment, digest: r.digest, namespace: r.namespace === '' ? null : r.namespace, workload: r.workload, workloadType: r.workload_type, kind: r.kind, at: r.at }));
}

/** The names of the environments of org `orgId` running each of `digests`. */
export async function environmentsRunning(db: Kysely<PlatformDatabase>, orgId: string, digests: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (digests.length === 0) return out;
  const rows = await db
    .selectFrom('deployment')
    .innerJoin('environment', 'environment.id', 'deployment.environment_id')
    .select(['deployment.digest', 'environment.name'])
    .distinct()
    .where('deployment.org_id', '=', orgId)
    .where('deployment.digest', 'in', digests)
    .execute();
  for (const r of rows) out.set(r.digest, [...(out.get(r.digest) ?? []), r.name]);
  for (const names of out.values()) names.sort();
  return out;
}
