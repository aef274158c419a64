// What runs in a Kubernetes cluster: pods read through the API (@kubernetes/client-node, loaded on first use), their
// image digests, and the workload at the top of each pod's owner chain (ReplicaSet → Deployment, Job → CronJob).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { compareText } from '../../core/compare-text.ts';
import { isSextantError, SextantError } from '../../core/errors.ts';
import type { Deployment } from './deployment.ts';

/** Where and what to read. Without `kubeconfig`: $KUBECONFIG, else ~/.kube/config, else the pod's service account. */
export interface KubernetesOptions {
  kubeconfig?: string;
  /** A context of the kubeconfig other than its current one. */
  context?: string;
  /** Read this namespace only (default: every namespace). */
  namespace?: string;
  /** How long one API request may take (default 30 s). */
  requestTimeoutMs?: number;
}

/** One round's reading of the cluster. */
export interface KubernetesSnapshot {
  /** Distinct (namespace, workload, type, digest), sorted. */
  deployments: Deployment[];
  pods: number;
  /** Containers skipped because they have no image digest yet (not pulled, not started, pod not scheduled). */
  pendingContainers: number;
}

/** A cluster to read, as the kubeconfig (or the pod's service account) describes it. */
export interface KubernetesCluster {
  /** The kubeconfig context in use; null inside a pod (service-account configuration). */
  context: string | null;
  /** The API server's URL. */
  server: string;
  /** Read every pod (of the namespace, if one was chosen) and resolve its workload; `signal` aborts the round. */
  collect(signal?: AbortSignal): Promise<KubernetesSnapshot>;
}

const PAGE_SIZE = 500;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const NAMESPACE_LISTS_AT_ONCE = 4;
const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
/** The digest in an `imageID`: `repo@sha256:…`, `docker-pullable://repo@sha256:…`, `docker://sha256:…` or `sha256:…`. */
const DIGEST = /^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;

/** The image digest a container status's `imageID` names, or null when it names none (yet). */
export function imageDigest(imageID: string | undefined): string | null {
  if (!imageID) return null;
  const at = imageID.lastIndexOf('@');
  const candidate = at >= 0 ? imageID.slice(at + 1) : imageID.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  return DIGEST.test(candidate) ? candidate : null;
}

/** Read the cluster once with a fresh connection: `connectKubernetes(options)` then `collect()`. */
export async function collectDeployments(options: KubernetesOptions = {}): Promise<Deployment[]> {
  const cluster = await connectKubernetes(options);
  return (await cluster.collect()).deployments;
}

/** Load the kubeconfig (or the in-cluster configuration) and the API client; nothing is requested yet. */
export async function connectKubernetes(options: KubernetesOptions = {}): Promise<KubernetesCluster> {
  const client = await import('@kubernetes/client-node');
  const { config, source, inCluster } = loadKubeConfig(client, options);
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new SextantError('CORRUPT', `${source}: context "${config.getCurrentContext()}" names no cluster that it defines`);
  // The client refuses http:// servers unless TLS verification is off, though there is no TLS to verify; kubectl
  // takes a plain-HTTP server (`kubectl proxy`, a local replay) as it is written, and so does Sextant.
  if (cluster.server.startsWith('http:') && !cluster.skipTLSVerify) {
    config.clusters = config.clusters.map((c) => (c === cluster ? { ...c, skipTLSVerify: true } : c));
  }
  const server = cluster.server.replace(/\/+$/, '');
  const core = config.makeApiClient(client.CoreV1Api);
  const apps = config.makeApiClient(client.AppsV1Api);
  const batch = config.makeApiClient(client.BatchV1Api);
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;

  return {
    context: inCluster ? null : config.getCurrentContext(),
    server,
    async collect(signal) {
      const request = { httpApi: abortableHttp(client, signal, timeoutMs) };
      const call = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
        try {
          return await work();
        } catch (err) {
          if (signal?.aborted) throw signal.reason;
          throw kubernetesError(client, err, server, what);
        }
      };
      const pods = new PodDigests();
      const scope = options.namespace ? `pods in namespace ${options.namespace}` : 'pods in all namespaces';
      await call(`listing ${scope}`, () =>
        eachPage(
          (page) =>
            options.namespace
              ? core.listNamespacedPod({ namespace: options.namespace, limit: PAGE_SIZE, _continue: page }, request)
              : core.listPodForAllNamespaces({ limit: PAGE_SIZE, _continue: page }, request),
          (items) => items.forEach((pod) => pods.add(pod)),
        ),
      );
      const owners = new OwnerIndex();
      const limit = pLimit(NAMESPACE_LISTS_AT_ONCE);
      await Promise.all([
        ...[...pods.namespacesOwning('ReplicaSet')].map((namespace) =>
          limit(() =>
            call(`listing replicasets in namespace ${namespace}`, () =>
              eachPage(
                (page) => apps.listNamespacedReplicaSet({ namespace, limit: PAGE_SIZE, _continue: page }, request),
                (items) => items.forEach((rs) => owners.add('ReplicaSet', namespace, rs.metadata)),
              ),
            ),
          ),
        ),
        ...[...pods.namespacesOwning('Job')].map((namespace) =>
          limit(() =>
            call(`listing jobs in namespace ${namespace}`, () =>
              eachPage(
                (page) => batch.listNamespacedJob({ namespace, limit: PAGE_SIZE, _continue: page }, request),
                (items) => items.forEach((job) => owners.add('Job', namespace, job.metadata)),
              ),
            ),
          ),
        ),
      ]);
      return { deployments: pods.resolve(owners), pods: pods.count, pendingContainers: pods.pendingContainers };
    },
  };
}

type Client = typeof k8s;
interface Owner {
  kind: string;
  name: string;
}

/** The kubeconfig the options name, with the chosen context made current. */
function loadKubeConfig(client: Client, options: KubernetesOptions): { config: k8s.KubeConfig; source: string; inCluster: boolean } {
  const config = new client.KubeConfig();
  const defaultFile = join(homedir(), '.kube', 'config');
  let source: string;
  let inCluster = false;
  if (options.kubeconfig) source = `kubeconfig ${options.kubeconfig}`;
  else if (process.env.KUBECONFIG) source = `kubeconfig ${process.env.KUBECONFIG} (KUBECONFIG)`;
  else if (existsSync(defaultFile)) source = `kubeconfig ${defaultFile}`;
  else if (process.env.KUBERNETES_SERVICE_HOST && existsSync(SERVICE_ACCOUNT_TOKEN)) {
    source = 'the in-cluster service account';
    inCluster = true;
  } else {
    throw new SextantError('USAGE', `no kubeconfig: pass --kubeconfig, set KUBECONFIG, or create ${defaultFile}`);
  }
  try {
    if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
    else if (inCluster) config.loadFromCluster();
    else if (process.env.KUBECONFIG) config.loadFromDefault(); // merges a KUBECONFIG list the way kubectl does
    else config.loadFromFile(defaultFile);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new SextantError('NOT_FOUND', `${source} does not exist`, { cause: err });
    throw new SextantError('CORRUPT', `${source} cannot be read: ${firstLine(err)}`, { cause: err });
  }
  if (options.context) {
    if (!config.getContextObject(options.context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new SextantError('USAGE', `${source} has no context "${options.context}" (it has: ${known.join(', ') || 'none'})`);
    }
    config.setCurrentContext(options.context);
  } else if (!inCluster && !config.getContextObject(config.getCurrentContext())) {
    throw new SextantError('USAGE', `${source} names no current context; choose one with --context`);
  }
  return { config, source, inCluster };
}

/** The client's HTTP library with every request bound to the round's `signal` and its own timeout. */
function abortableHttp(client: Client, signal: AbortSignal | undefined, timeoutMs: number): k8s.HttpLibrary {
  const fetchLibrary = new client.IsomorphicFetchHttpLibrary();
  return client.wrapHttpLibrary({
    send(request) {
      const timeout = AbortSignal.timeout(timeoutMs);
      request.setSignal(signal ? AbortSignal.any([signal, timeout]) : timeout);
      return fetchLibrary.send(request).toPromise();
    },
  });
}

/** Call `list` page by page (following `continue`) and hand each page's items to `take`. */
async function eachPage<T>(
  list: (page: string | undefined) => Promise<{ items: T[]; metadata?: k8s.V1ListMeta }>,
  take: (items: T[]) => void,
): Promise<void> {
  const seen = new Set<string>();
  let page: string | undefined;
  do {
    const result = await list(page);
    take(result.items ?? []);
    page = result.metadata?._continue || undefined;
    if (page !== undefined) {
      if (seen.has(page)) throw new SextantError('CORRUPT', 'the list repeats a continue token');
      seen.add(page);
    }
  } while (page !== undefined);
}

/** The owner that controls an object (the one with `controller: true`), if any. */
function controllerOf(metadata: k8s.V1ObjectMeta | undefined): Owner | null {
  const reference = metadata?.ownerReferences?.find((r) => r.controller === true);
  return reference ? { kind: reference.kind, name: reference.name } : null;
}

/** What one pod contributes, kept small so pages of pods can be dropped as they are read. */
interface PodSummary {
  namespace: string;
  name: string;
  owner: Owner | null;
  templateHash: string | undefined;
  digests: Set<string>;
}

/** The pods of one round: their digests, controllers and pending containers. */
class PodDigests {
  readonly pods: PodSummary[] = [];
  pendingContainers = 0;

  get count(): number {
    return this.pods.length;
  }

  add(pod: k8s.V1Pod): void {
    const digests = new Set<string>();
    const groups: [k8s.V1Container[] | k8s.V1EphemeralContainer[] | undefined, k8s.V1ContainerStatus[] | undefined][] = [
      [pod.spec?.initContainers, pod.status?.initContainerStatuses],
      [pod.spec?.containers, pod.status?.containerStatuses],
      [pod.spec?.ephemeralContainers, pod.status?.ephemeralContainerStatuses],
    ];
    for (const [containers, statuses] of groups) {
      const digestByName = new Map((statuses ?? []).map((s) => [s.name, imageDigest(s.imageID)]));
      const names = new Set([...(containers ?? []).map((c) => c.name), ...digestByName.keys()]);
      for (const name of names) {
        const digest = digestByName.get(name);
        if (digest) digests.add(digest);
        else this.pendingContainers++;
      }
    }
    this.pods.push({
      namespace: pod.metadata?.namespace ?? 'default',
      name: pod.metadata?.name ?? '',
      owner: controllerOf(pod.metadata),
      templateHash: pod.metadata?.labels?.['pod-template-hash'],
      digests,
    });
  }

  /** Namespaces with a pod controlled by a `kind` (whose own owner must be looked up), and at least one digest. */
  namespacesOwning(kind: 'ReplicaSet' | 'Job'): Set<string> {
    return new Set(this.pods.filter((p) => p.owner?.kind === kind && p.digests.size > 0).map((p) => p.namespace));
  }

  /** Every (namespace, workload, type, digest) once, in a stable order. */
  resolve(owners: OwnerIndex): Deployment[] {
    const byKey = new Map<string, Deployment>();
    for (const pod of this.pods) {
      const { workload, workloadType } = workloadOf(pod, owners);
      for (const digest of pod.digests) {
        const deployment = { namespace: pod.namespace, workload, workloadType, digest };
        byKey.set(JSON.stringify([pod.namespace, workload, workloadType, digest]), deployment);
      }
    }
    return [...byKey.values()].sort(
      (a, b) =>
        compareText(a.namespace ?? '', b.namespace ?? '') ||
        compareText(a.workloadType, b.workloadType) ||
        compareText(a.workload, b.workload) ||
        compareText(a.digest, b.digest),
    );
  }
}

/** The controllers of ReplicaSets and Jobs, by namespace and name, as listed in this round. */
class OwnerIndex {
  private readonly controllers = new Map<string, Owner | null>();

  add(kind: 'ReplicaSet' | 'Job', namespace: string, metadata: k8s.V1ObjectMeta | undefined): void {
    if (metadata?.name) this.controllers.set(`${kind}/${namespace}/${metadata.name}`, controllerOf(metadata));
  }

  /** The object's controller (null: it has none); undefined when the object was not listed (deleted since). */
  controllerOf(kind: string, namespace: string, name: string): Owner | null | undefined {
    return this.controllers.get(`${kind}/${namespace}/${name}`);
  }
}

/** The workload at the top of a pod's owner chain. */
function workloadOf(pod: PodSummary, owners: OwnerIndex): { workload: string; workloadType: string } {
  const owner = pod.owner;
  // A static pod's mirror is "owned" by its Node: it is still a bare pod.
  if (!owner || owner.kind === 'Node') return { workload: pod.name, workloadType: 'Pod' };
  if (owner.kind === 'ReplicaSet' || owner.kind === 'Job') {
    const top = owners.controllerOf(owner.kind, pod.namespace, owner.name);
    if (top) return { workload: top.name, workloadType: top.kind };
    // A ReplicaSet deleted since the pods were listed: a Deployment names its ReplicaSets `<deployment>-<pod-template-hash>`.
    const suffix = `-${pod.templateHash}`;
    if (top === undefined && owner.kind === 'ReplicaSet' && pod.templateHash && owner.name.endsWith(suffix)) {
      return { workload: owner.name.slice(0, -suffix.length), workloadType: 'Deployment' };
    }
  }
  return { workload: owner.name, workloadType: owner.kind };
}

/** A failed API call as one line naming the server and what was being done. */
function kubernetesError(client: Client, err: unknown, server: string, what: string): Error {
  if (isSextantError(err)) return new SextantError(err.code, `Kubernetes API at ${server}, ${what}: ${err.message}`, { cause: err });
  if (err instanceof client.ApiException) {
    const status = err.code as number;
    const message = statusMessage(err.body);
    const detail = message ? `: ${message}` : '';
    if (status === 401) {
      return new SextantError('AUTH_FAILED', `Kubernetes API at ${server} rejected the credentials (401) while ${what}`, { cause: err });
    }
    if (status === 403) return new SextantError('FORBIDDEN', `Kubernetes API at ${server} forbids ${what} (403)${detail}`, { cause: err });
    return new SextantError('NETWORK', `Kubernetes API at ${server} answered ${status} while ${what}${detail}`, { cause: err });
  }
  if (err instanceof Error && err.name === 'TimeoutError') {
    return new SextantError('NETWORK', `Kubernetes API at ${server} did not answer in time while ${what}`, { cause: err });
  }
  if (err instanceof SyntaxError) {
    return new SextantError('CORRUPT', `Kubernetes API at ${server} answered with something that is not JSON while ${what}`, { cause: err });
  }
  // fetch wraps the socket's error (ECONNREFUSED, ENOTFOUND, a TLS failure…) in `TypeError: fetch failed`.
  const cause = err instanceof Error ? (err.cause as NodeJS.ErrnoException | undefined) : undefined;
  if (cause instanceof Error) {
    const reason = cause.code ?? firstLine(cause);
    return new SextantError('NETWORK', `cannot reach the Kubernetes API at ${server} (${reason}) while ${what}`, { cause: err });
  }
  return new SextantError('NETWORK', `Kubernetes API at ${server}, ${what}: ${firstLine(err)}`, { cause: err });
}

/** The `message` of the API's Status object (the body of its error answers), when the body is one. */
function statusMessage(body: unknown): string | null {
  let status = body;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body);
    } catch {
      return null;
    }
  }
  const message = (status as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message.trim() ? firstLine(message.trim()) : null;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
