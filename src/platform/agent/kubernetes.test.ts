// The Kubernetes agent against a real HTTP server replaying Kubernetes API objects (pods, ReplicaSets, Jobs as the
// API server returns them, paged), and `sextant agent kubernetes` against it plus a fake Sextant API endpoint.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/support/cli.ts';
import { closedPort } from '../../../test/support/ports.ts';
import { isSextantError } from '../../core/errors.ts';
import type { Deployment } from './deployment.ts';
import { collectDeployments, connectKubernetes, imageDigest } from './kubernetes.ts';
import { runAgent } from './run-agent.ts';

// ---- realistic API objects -------------------------------------------------------------------------------------

const digestOf = (content: string) => `sha256:${createHash('sha256').update(content).digest('hex')}`;
const uidOf = (name: string) => {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

const NGINX_V1 = digestOf('nginx:1.27.3');
const NGINX_V2 = digestOf('nginx:1.27.4');
const ENVOY = digestOf('envoy:v1.32.2');
const MIGRATE = digestOf('shop-migrate:2025.09');
const API = digestOf('shop-api:4.2.0');
const POSTGRES = digestOf('postgres:17.2');
const REDIS = digestOf('redis:7.4.1');
const KUBE_PROXY = digestOf('kube-proxy:v1.31.4');
const APISERVER = digestOf('kube-apiserver:v1.31.4');
const REPORT = digestOf('report:1.8.0');
const FLYWAY = digestOf('flyway:11.1');
const BUSYBOX = digestOf('busybox:1.37');
const NETSHOOT = digestOf('netshoot:v0.13');

type Owner = { apiVersion: string; kind: string; name: string };

function ownerReference(owner: Owner) {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: uidOf(owner.name), controller: true, blockOwnerDeletion: true };
}

function metadata(namespace: string, name: string, labels: Record<string, string>, owner?: Owner, generateName?: string) {
  return {
    name,
    ...(generateName ? { generateName } : {}),
    namespace,
    uid: uidOf(name),
    resourceVersion: String(100_000 + (parseInt(uidOf(name).slice(0, 4), 16) % 90_000)),
    creationTimestamp: '2025-09-12T08:14:03Z',
    labels,
    ...(owner ? { ownerReferences: [ownerReference(owner)] } : {}),
  };
}

interface ContainerFixture {
  name: string;
  image: string;
  /** The status's imageID; undefined: no status yet; '': a status still waiting for its image. */
  imageID?: string;
  state?: 'running' | 'terminated' | 'waiting';
}

function containerStatus(c: ContainerFixture) {
  const state =
    c.state === 'terminated'
      ? { terminated: { exitCode: 0, reason: 'Completed', startedAt: '2025-09-12T02:00:04Z', finishedAt: '2025-09-12T02:03:41Z', containerID: `containerd://${uidOf(c.name).replaceAll('-', '')}` } }
      : c.state === 'waiting' || c.imageID === ''
        ? { waiting: { reason: 'ContainerCreating' } }
        : { running: { startedAt: '2025-09-12T08:14:09Z' } };
  return {
    name: c.name,
    state,
    lastState: {},
    ready: 'running' in state,
    restartCount: 0,
    image: c.image,
    imageID: c.imageID ?? '',
    ...(c.imageID ? { containerID: `containerd://${createHash('sha256').update(c.name + c.image).digest('hex')}` } : {}),
    started: 'running' in state,
  };
}

function containerSpec(c: ContainerFixture) {
  return {
    name: c.name,
    image: c.image,
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

function pod(p: {
  namespace: string;
  name: string;
  labels?: Record<string, string>;
  owner?: Owner;
  phase?: 'Running' | 'Pending' | 'Succeeded';
  containers: ContainerFixture[];
  initContainers?: ContainerFixture[];
  ephemeralContainers?: ContainerFixture[];
  scheduled?: boolean;
}) {
  const generateName = p.owner && p.owner.kind !== 'Node' && p.owner.kind !== 'StatefulSet' ? `${p.owner.name}-` : undefined;
  const withStatus = (list: ContainerFixture[] | undefined) => list?.filter((c) => c.imageID !== undefined).map(containerStatus);
  const scheduled = p.scheduled ?? true;
  return {
    metadata: metadata(p.namespace, p.name, p.labels ?? {}, p.owner, generateName),
    spec: {
      ...(p.initContainers ? { initContainers: p.initContainers.map(containerSpec) } : {}),
      containers: p.containers.map(containerSpec),
      ...(p.ephemeralContainers ? { ephemeralContainers: p.ephemeralContainers.map((c) => ({ ...containerSpec(c), targetContainerName: 'shell' })) } : {}),
      restartPolicy: p.phase === 'Succeeded' ? 'OnFailure' : 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      ...(scheduled ? { nodeName: 'worker-2' } : {}),
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {
      phase: p.phase ?? 'Running',
      conditions: scheduled
        ? [
            { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2025-09-12T08:14:03Z' },
            { type: 'Ready', status: p.phase === 'Running' || !p.phase ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: '2025-09-12T08:14:10Z' },
          ]
        : [{ type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: '2025-09-12T08:14:03Z', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient memory.' }],
      ...(scheduled ? { hostIP: '10.0.4.12', podIP: `10.244.2.${(parseInt(uidOf(p.name).slice(0, 2), 16) % 250) + 2}`, startTime: '2025-09-12T08:14:03Z' } : {}),
      ...(withStatus(p.initContainers) ? { initContainerStatuses: withStatus(p.initContainers) } : {}),
      ...(scheduled ? { containerStatuses: withStatus(p.containers) } : {}),
      ...(withStatus(p.ephemeralContainers) ? { ephemeralContainerStatuses: withStatus(p.ephemeralContainers) } : {}),
      qosClass: 'BestEffort',
    },
  };
}

const deploymentOwner = (name: string): Owner => ({ apiVersion: 'apps/v1', kind: 'Deployment', name });
const replicaSetOwner = (name: string): Owner => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name });

function replicaSet(namespace: string, name: string, owner: Owner | undefined, labels: Record<string, string>) {
  return {
    metadata: {
      ...metadata(namespace, name, labels, owner),
      annotations: owner ? { 'deployment.kubernetes.io/desired-replicas': '2', 'deployment.kubernetes.io/max-replicas': '3', 'deployment.kubernetes.io/revision': '7' } : {},
    },
    spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'example' }] } } },
    status: { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 3 },
  };
}

function job(namespace: string, name: string, owner: Owner | undefined) {
  const labels = { 'batch.kubernetes.io/job-name': name, 'job-name': name, 'batch.kubernetes.io/controller-uid': uidOf(name), 'controller-uid': uidOf(name) };
  return {
    metadata: metadata(namespace, name, labels, owner),
    spec: { parallelism: 1, completions: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uidOf(name) } }, template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'example' }], restartPolicy: 'OnFailure' } } },
    status: { startTime: '2025-09-12T02:00:00Z', completionTime: '2025-09-12T02:03:44Z', succeeded: 1, ready: 0, terminating: 0, uncountedTerminatedPods: {} },
  };
}

const webNew = 'web-7d4b9c8f6d';
const webOld = 'web-5f6c8d9b7c';
const webContainers = (nginx: string): ContainerFixture[] => [
  { name: 'nginx', image: 'docker.io/library/nginx:1.27', imageID: `docker.io/library/nginx@${nginx}` },
  { name: 'envoy', image: 'envoyproxy/envoy:v1.32.2', imageID: `docker-pullable://envoyproxy/envoy@${ENVOY}` },
];

const PODS = [
  // shop: a Deployment mid-rollout (two ReplicaSets), with an init container reported by its bare digest
  ...['x2x7k', 'q9lzm'].map((suffix) =>
    pod({
      namespace: 'shop',
      name: `${webNew}-${suffix}`,
      labels: { app: 'web', 'pod-template-hash': '7d4b9c8f6d' },
      owner: replicaSetOwner(webNew),
      initContainers: [{ name: 'migrate', image: 'registry.example.com/shop/migrate:2025.09', imageID: MIGRATE, state: 'terminated' }],
      containers: webContainers(NGINX_V2),
    }),
  ),
  pod({ namespace: 'shop', name: `${webOld}-hj4tp`, labels: { app: 'web', 'pod-template-hash': '5f6c8d9b7c' }, owner: replicaSetOwner(webOld), containers: webContainers(NGINX_V1) }),
  // shop: a Deployment whose only pod is not scheduled yet (no container statuses at all)
  pod({
    namespace: 'shop',
    name: 'worker-6b8f7c9d5-7hq2n',
    labels: { app: 'worker', 'pod-template-hash': '6b8f7c9d5' },
    owner: replicaSetOwner('worker-6b8f7c9d5'),
    phase: 'Pending',
    scheduled: false,
    containers: [{ name: 'worker', image: 'registry.example.com/shop/worker:1.0' }],
  }),
  // shop: a pod whose ReplicaSet is already gone from the list (deleted between the two lists)
  pod({
    namespace: 'shop',
    name: 'api-84d7f5c9b8-mm5fz',
    labels: { app: 'api', 'pod-template-hash': '84d7f5c9b8' },
    owner: replicaSetOwner('api-84d7f5c9b8'),
    containers: [{ name: 'api', image: 'registry.example.com/shop/api:4.2.0', imageID: `registry.example.com/shop/api@${API}` }],
  }),
  pod({
    namespace: 'shop',
    name: 'postgres-0',
    labels: { app: 'postgres', 'apps.kubernetes.io/pod-index': '0', 'statefulset.kubernetes.io/pod-name': 'postgres-0' },
    owner: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'postgres' },
    containers: [{ name: 'postgres', image: 'postgres:17.2', imageID: `docker-pullable://postgres@${POSTGRES}` }],
  }),
  // shop: a ReplicaSet nobody owns
  pod({
    namespace: 'shop',
    name: 'legacy-cache-8xk2p',
    labels: { app: 'legacy-cache' },
    owner: replicaSetOwner('legacy-cache'),
    containers: [{ name: 'redis', image: 'redis:7.4.1', imageID: `docker.io/library/redis@${REDIS}` }],
  }),
  pod({
    namespace: 'kube-system',
    name: 'kube-proxy-7xq2m',
    labels: { 'k8s-app': 'kube-proxy', 'controller-revision-hash': '6b5b8b4f6d', 'pod-template-generation': '1' },
    owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'kube-proxy' },
    containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.31.4', imageID: `registry.k8s.io/kube-proxy@${KUBE_PROXY}` }],
  }),
  // kube-system: a static pod's mirror, "owned" by its node
  pod({
    namespace: 'kube-system',
    name: 'kube-apiserver-control-plane',
    labels: { component: 'kube-apiserver', tier: 'control-plane' },
    owner: { apiVersion: 'v1', kind: 'Node', name: 'control-plane' },
    containers: [{ name: 'kube-apiserver', image: 'registry.k8s.io/kube-apiserver:v1.31.4', imageID: `registry.k8s.io/kube-apiserver@${APISERVER}` }],
  }),
  pod({
    namespace: 'batch',
    name: 'nightly-report-29001234-5k7wd',
    labels: { 'batch.kubernetes.io/job-name': 'nightly-report-29001234', 'job-name': 'nightly-report-29001234' },
    owner: { apiVersion: 'batch/v1', kind: 'Job', name: 'nightly-report-29001234' },
    phase: 'Succeeded',
    containers: [{ name: 'report', image: 'registry.example.com/report:1.8.0', imageID: `registry.example.com/report@${REPORT}`, state: 'terminated' }],
  }),
  pod({
    namespace: 'batch',
    name: 'db-migrate-2xv9p',
    labels: { 'batch.kubernetes.io/job-name': 'db-migrate', 'job-name': 'db-migrate' },
    owner: { apiVersion: 'batch/v1', kind: 'Job', name: 'db-migrate' },
    phase: 'Succeeded',
    containers: [{ name: 'flyway', image: 'flyway/flyway:11.1', imageID: `docker.io/flyway/flyway@${FLYWAY}`, state: 'terminated' }],
  }),
  // default: a bare pod with an ephemeral debug container and a sidecar still waiting for its image
  pod({
    namespace: 'default',
    name: 'debug-shell',
    labels: { run: 'debug-shell' },
    containers: [
      { name: 'shell', image: 'busybox:1.37', imageID: `docker.io/library/busybox@${BUSYBOX}` },
      { name: 'sidecar', image: 'registry.example.com/sidecar:0.3', imageID: '' },
    ],
    ephemeralContainers: [{ name: 'debugger-4kx2z', image: 'nicolaka/netshoot:v0.13', imageID: `docker.io/nicolaka/netshoot@${NETSHOOT}` }],
  }),
];

const REPLICA_SETS = [
  replicaSet('shop', webNew, deploymentOwner('web'), { app: 'web', 'pod-template-hash': '7d4b9c8f6d' }),
  replicaSet('shop', webOld, deploymentOwner('web'), { app: 'web', 'pod-template-hash': '5f6c8d9b7c' }),
  replicaSet('shop', 'worker-6b8f7c9d5', deploymentOwner('worker'), { app: 'worker', 'pod-template-hash': '6b8f7c9d5' }),
  replicaSet('shop', 'legacy-cache', undefined, { app: 'legacy-cache' }),
];
const JOBS = [job('batch', 'nightly-report-29001234', { apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly-report' }), job('batch', 'db-migrate', undefined)];

const d = (namespace: string, workloadType: string, workload: string, digest: string): Deployment => ({ namespace, workload, workloadType, digest });
const EXPECTED: Deployment[] = [
  d('batch', 'CronJob', 'nightly-report', REPORT),
  d('batch', 'Job', 'db-migrate', FLYWAY),
  d('default', 'Pod', 'debug-shell', BUSYBOX),
  d('default', 'Pod', 'debug-shell', NETSHOOT),
  d('kube-system', 'DaemonSet', 'kube-proxy', KUBE_PROXY),
  d('kube-system', 'Pod', 'kube-apiserver-control-plane', APISERVER),
  d('shop', 'Deployment', 'api', API),
  ...[NGINX_V1, NGINX_V2, ENVOY, MIGRATE].map((digest) => d('shop', 'Deployment', 'web', digest)),
  d('shop', 'ReplicaSet', 'legacy-cache', REDIS),
  d('shop', 'StatefulSet', 'postgres', POSTGRES),
].sort((a, b) => {
  const [x, y] = [a, b].map((e) => [e.namespace, e.workloadType, e.workload, e.digest].join('\0'));
  return x! < y! ? -1 : x! > y! ? 1 : 0;
});

// ---- the replay server -----------------------------------------------------------------------------------------

const TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6InNleHRhbnQtdGVzdCJ9.agent';
/** The API server caps pages at this many items whatever `limit` asks, as it may. */
const SERVER_PAGE = 4;

function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

class KubernetesReplay {
  readonly requests: { path: string; query: URLSearchParams; authorization: string | undefined }[] = [];
  /** Answer the next requests with these statuses first (one each). */
  failures: number[] = [];
  forbidJobs = false;
  /** Leave requests unanswered (an API server that hangs). */
  stall = false;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  requestPaths(): string[] {
    return this.requests.map((r) => r.path);
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ path: url.pathname, query: url.searchParams, authorization: req.headers.authorization });
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json', 'audit-id': uidOf(String(this.requests.length)), 'cache-control': 'no-cache, private' });
      res.end(JSON.stringify(body));
    };
    if (this.stall) return;
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    const failure = this.failures.shift();
    if (failure) return send(failure, status(failure, 'InternalError', 'etcdserver: request timed out'));
    let match: RegExpMatchArray | null;
    if (url.pathname === '/api/v1/pods') return send(200, this.page('PodList', 'v1', PODS, url.searchParams));
    if ((match = url.pathname.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods$/))) {
      const namespace = match[1];
      return send(200, this.page('PodList', 'v1', PODS.filter((p) => p.metadata.namespace === namespace), url.searchParams));
    }
    if ((match = url.pathname.match(/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/replicasets$/))) {
      const namespace = match[1];
      return send(200, this.page('ReplicaSetList', 'apps/v1', REPLICA_SETS.filter((r) => r.metadata.namespace === namespace), url.searchParams));
    }
    if ((match = url.pathname.match(/^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs$/))) {
      const namespace = match[1];
      if (this.forbidJobs) {
        return send(403, status(403, 'Forbidden', `jobs.batch is forbidden: User "system:serviceaccount:sextant:agent" cannot list resource "jobs" in API group "batch" in the namespace "${namespace}"`));
      }
      return send(200, this.page('JobList', 'batch/v1', JOBS.filter((j) => j.metadata.namespace === namespace), url.searchParams));
    }
    send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
  }

  /** A list answer honouring `limit` and `continue` (an opaque token, here the base64 of the next offset). */
  private page(kind: string, apiVersion: string, items: unknown[], query: URLSearchParams): unknown {
    const start = query.get('continue') ? Number(Buffer.from(query.get('continue')!, 'base64url').toString()) : 0;
    const size = Math.min(Number(query.get('limit') || Infinity), SERVER_PAGE);
    const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
    return {
      kind,
      apiVersion,
      metadata: { resourceVersion: '184467', ...(next ? { continue: next, remainingItemCount: items.length - start - size } : {}) },
      items: items.slice(start, start + size),
    };
  }
}

/** A fake of the Sextant API's snapshot route, recording what it receives. */
class SextantApiFake {
  readonly puts: { method: string; path: string; authorization: string | undefined; body: { deployments: Deployment[] } }[] = [];
  answerStatus = 200;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        this.puts.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body: JSON.parse(text || '{}') as { deployments: Deployment[] } });
        res.writeHead(this.answerStatus, { 'content-type': 'application/json' });
        if (this.answerStatus === 200) res.end(JSON.stringify({ added: 3, removed: 1 }));
        else res.end(JSON.stringify({ error: { code: 'UNAUTHENTICATED', message: 'unknown or revoked token' } }));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function kubeconfigYaml(server: string, closedServer: string): string {
  return `apiVersion: v1
kind: Config
preferences: {}
clusters:
- name: staging
  cluster:
    server: ${server}
- name: gone
  cluster:
    server: ${closedServer}
users:
- name: sextant-agent
  user:
    token: ${TOKEN}
- name: stranger
  user:
    token: not-the-token
contexts:
- name: kind-staging
  context:
    cluster: staging
    user: sextant-agent
- name: wrong-user
  context:
    cluster: staging
    user: stranger
- name: offline
  context:
    cluster: gone
    user: sextant-agent
current-context: kind-staging
`;
}

const replay = new KubernetesReplay();
const sextant = new SextantApiFake();
let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  await Promise.all([replay.start(), sextant.start()]);
  dir = mkdtempSync(join(tmpdir(), 'sextant-k8s-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml(replay.url, `http://127.0.0.1:${await closedPort()}`));
});

afterAll(async () => {
  await Promise.all([replay.stop(), sextant.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

function takeRequests() {
  return replay.requests.splice(0);
}

// ---- tests -----------------------------------------------------------------------------------------------------

describe('imageDigest', () => {
  it('reads every imageID form and nothing else', () => {
    expect(imageDigest(`docker-pullable://nginx@${NGINX_V1}`)).toBe(NGINX_V1);
    expect(imageDigest(`registry.example.com:5000/shop/api@${API}`)).toBe(API);
    expect(imageDigest(NGINX_V2)).toBe(NGINX_V2);
    expect(imageDigest(`docker://${NGINX_V2}`)).toBe(NGINX_V2);
    expect(imageDigest('')).toBeNull();
    expect(imageDigest(undefined)).toBeNull();
    expect(imageDigest('docker.io/library/nginx:1.27')).toBeNull();
    expect(imageDigest('sha256:1234')).toBeNull();
  });
});

describe('collectDeployments', () => {
  it('resolves every pod to its workload and image digests, listing owners once per namespace', async () => {
    takeRequests();
    const cluster = await connectKubernetes({ kubeconfig });
    expect(cluster.context).toBe('kind-staging');
    expect(cluster.server).toBe(replay.url);
    const snapshot = await cluster.collect();
    expect(snapshot.deployments).toEqual(EXPECTED);
    expect(snapshot.pods).toBe(PODS.length);
    // the unscheduled worker's container and the debug pod's waiting sidecar
    expect(snapshot.pendingContainers).toBe(2);

    const requests = takeRequests();
    expect(requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const podPages = requests.filter((r) => r.path === '/api/v1/pods');
    expect(podPages).toHaveLength(Math.ceil(PODS.length / SERVER_PAGE));
    expect(podPages.every((r) => r.query.get('limit') === '500')).toBe(true);
    expect(requests.map((r) => r.path).filter((p) => p !== '/api/v1/pods').sort()).toEqual([
      '/apis/apps/v1/namespaces/shop/replicasets', // one list (one page: 4 ReplicaSets), not one GET per pod
      '/apis/batch/v1/namespaces/batch/jobs',
    ]);
  });

  it('reads one namespace with --namespace', async () => {
    takeRequests();
    const deployments = await collectDeployments({ kubeconfig, namespace: 'batch' });
    expect(deployments).toEqual(EXPECTED.filter((x) => x.namespace === 'batch'));
    expect([...new Set(takeRequests().map((r) => r.path))]).toEqual(['/api/v1/namespaces/batch/pods', '/apis/batch/v1/namespaces/batch/jobs']);
  });

  it('takes the context given, and names the server and the refusal when its credentials are rejected', async () => {
    const err = await collectDeployments({ kubeconfig, context: 'wrong-user' }).catch((e: unknown) => e);
    expect(isSextantError(err, 'AUTH_FAILED')).toBe(true);
    expect((err as Error).message).toBe(`Kubernetes API at ${replay.url} rejected the credentials (401) while listing pods in all namespaces`);
  });

  it('passes RBAC refusals on in one line', async () => {
    replay.forbidJobs = true;
    try {
      const err = await collectDeployments({ kubeconfig }).catch((e: unknown) => e);
      expect(isSextantError(err, 'FORBIDDEN')).toBe(true);
      expect((err as Error).message).toBe(
        `Kubernetes API at ${replay.url} forbids listing jobs in namespace batch (403): jobs.batch is forbidden: User "system:serviceaccount:sextant:agent" cannot list resource "jobs" in API group "batch" in the namespace "batch"`,
      );
    } finally {
      replay.forbidJobs = false;
    }
  });

  it('reports an unreachable API server, a missing kubeconfig and an unknown context as SextantErrors', async () => {
    const offline = await collectDeployments({ kubeconfig, context: 'offline' }).catch((e: unknown) => e);
    expect(isSextantError(offline, 'NETWORK')).toBe(true);
    expect((offline as Error).message).toMatch(/^cannot reach the Kubernetes API at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) while listing pods in all namespaces$/);

    const missing = await connectKubernetes({ kubeconfig: join(dir, 'nope') }).catch((e: unknown) => e);
    expect(isSextantError(missing, 'NOT_FOUND')).toBe(true);
    expect((missing as Error).message).toBe(`kubeconfig ${join(dir, 'nope')} does not exist`);

    const unknown = await connectKubernetes({ kubeconfig, context: 'prod' }).catch((e: unknown) => e);
    expect(isSextantError(unknown, 'USAGE')).toBe(true);
    expect((unknown as Error).message).toBe(`kubeconfig ${kubeconfig} has no context "prod" (it has: kind-staging, wrong-user, offline)`);
  });
});

describe('sextant agent kubernetes', () => {
  it('--once sends the snapshot to the environment named after the context', async () => {
    sextant.puts.length = 0;
    const result = await runCli(['agent', 'kubernetes', '--kubeconfig', kubeconfig, '--once', '--server', sextant.url, '--token', 'sxt_agent-token']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`kind-staging: reported ${EXPECTED.length} deployments from ${PODS.length} pods: 3 added, 1 removed; 2 containers without an image digest yet\n`);
    expect(sextant.puts).toEqual([
      { method: 'PUT', path: '/api/v1/environments/kind-staging/deployments', authorization: 'Bearer sxt_agent-token', body: { deployments: EXPECTED } },
    ]);
  });

  it('takes --env, and the server and token from SEXTANT_SERVER and SEXTANT_TOKEN', async () => {
    sextant.puts.length = 0;
    const result = await runCli(['agent', 'kubernetes', '--once', '--env', 'prod.eu-1', '--namespace', 'kube-system'], {
      KUBECONFIG: kubeconfig,
      SEXTANT_SERVER: `${sextant.url}/`,
      SEXTANT_TOKEN: 'sxt_from-env',
    });
    expect(result.code).toBe(0);
    expect(sextant.puts).toEqual([
      {
        method: 'PUT',
        path: '/api/v1/environments/prod.eu-1/deployments',
        authorization: 'Bearer sxt_from-env',
        body: { deployments: EXPECTED.filter((x) => x.namespace === 'kube-system') },
      },
    ]);
  });

  it('--dry-run prints the snapshot instead of sending it', async () => {
    sextant.puts.length = 0;
    const result = await runCli(['agent', 'kubernetes', '--kubeconfig', kubeconfig, '--once', '--dry-run', '--namespace', 'batch']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ deployments: EXPECTED.filter((x) => x.namespace === 'batch') });
    expect(sextant.puts).toEqual([]);
  });

  it('with the Kubernetes API down, prints one line and exits 2 (--once), sending nothing', async () => {
    sextant.puts.length = 0;
    const result = await runCli(['agent', 'kubernetes', '--kubeconfig', kubeconfig, '--context', 'offline', '--once', '--server', sextant.url, '--token', 'sxt_t']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^sextant: cannot reach the Kubernetes API at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\) while listing pods in all namespaces\n$/);
    expect(sextant.puts).toEqual([]);
  });

  it('with the server refusing the token, prints one line and exits 2 (--once)', async () => {
    sextant.answerStatus = 401;
    try {
      const result = await runCli(['agent', 'kubernetes', '--kubeconfig', kubeconfig, '--once', '--server', sextant.url, '--token', 'sxt_revoked']);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`sextant: the Sextant server at ${sextant.url} refused the snapshot of kind-staging (HTTP 401): unknown or revoked token\n`);
      expect(result.stderr).not.toContain('sxt_revoked');
    } finally {
      sextant.answerStatus = 200;
    }
  });

  it('without a server or token, is a usage error', async () => {
    const result = await runCli(['agent', 'kubernetes', '--kubeconfig', kubeconfig, '--once'], { SEXTANT_SERVER: '', SEXTANT_TOKEN: '' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('sextant: no Sextant server given: use --server URL or set SEXTANT_SERVER\n');
  });

  it('keeps looping after a failed round and stops cleanly on SIGTERM', async () => {
    sextant.puts.length = 0;
    replay.failures = [500];
    const child = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', fileURLToPath(new URL('../../cli/main.ts', import.meta.url)), 'agent', 'kubernetes', '--kubeconfig', kubeconfig, '--interval', '0.2', '--namespace', 'batch'],
      { env: { ...process.env, NO_COLOR: '1', SEXTANT_HOME: dir, SEXTANT_SERVER: sextant.url, SEXTANT_TOKEN: 'sxt_loop' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (sextant.puts.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(sextant.puts.length).toBeGreaterThanOrEqual(2);
    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
    expect(stderr).toBe(`sextant: Kubernetes API at ${replay.url} answered 500 while listing pods in namespace batch: etcdserver: request timed out\n`);
    expect(stdout.split('\n')[0]).toBe('kind-staging: reported 2 deployments from 2 pods: 3 added, 1 removed');
    expect(sextant.puts.every((p) => p.path === '/api/v1/environments/kind-staging/deployments')).toBe(true);
  });

  it('stops during a round when its signal aborts, even with the API server hanging', async () => {
    replay.stall = true;
    const stop = new AbortController();
    const lines: string[] = [];
    try {
      const started = Date.now();
      setTimeout(() => stop.abort(), 300);
      const code = await runAgent({ kubernetes: { kubeconfig }, dryRun: true, signal: stop.signal, stdout: (t) => lines.push(t), stderr: (t) => lines.push(t) });
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(lines).toEqual([]);
    } finally {
      replay.stall = false;
    }
  });
});
