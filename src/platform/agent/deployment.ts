// What the agents report: one workload running one image digest in an environment (the store's Deployment shape).

/**
 * One image digest run by one workload. `workloadType` is the controller kind at the top of the owner chain
 * (Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet…) or `Pod` for a pod nobody owns; `namespace`
 * is null where the runtime has none. Mirrors `Deployment` in the store contract (platform-store.ts).
 */
export interface Deployment {
  namespace: string | null;
  workload: string;
  workloadType: string;
  digest: string;
}
