// The Kubernetes agent's loop: every interval, read what runs in the cluster and send the full snapshot to the
// Sextant server (`PUT /api/v1/environments/{env}/deployments`), which records what was added and removed.
import { setTimeout as sleep } from 'node:timers/promises';
import { isSextantError, SextantError } from '../../core/errors.ts';
import { describeNetworkError, errorCodeForStatus } from '../../core/network-errors.ts';
import type { Deployment } from './deployment.ts';
import { connectKubernetes, type KubernetesOptions, type KubernetesSnapshot } from './kubernetes.ts';

/** What `sextant agent kubernetes` was asked to do. */
export interface AgentOptions {
  kubernetes: KubernetesOptions;
  /** The Sextant server (base URL, no trailing slash) and its API token; not needed with `dryRun`. */
  server?: string;
  token?: string;
  /** The environment's name on the server (default: the kubeconfig context's name). */
  environment?: string;
  /** Seconds between rounds (default 60). */
  intervalSeconds?: number;
  /** One round, then return: 0 when it succeeded, 2 when it failed. */
  once?: boolean;
  /** Print each snapshot's JSON on stdout instead of sending it. */
  dryRun?: boolean;
  /** Stops the loop (and any request in flight); `runAgent` then resolves to 0. */
  signal?: AbortSignal;
  /** Where progress lines and errors go (default: the process's stdout and stderr). */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

/** The body of `PUT /api/v1/environments/{env}/deployments`: everything that runs there now. */
export interface DeploymentsReport {
  deployments: readonly Deployment[];
}

const DEFAULT_INTERVAL_SECONDS = 60;
const REPORT_TIMEOUT_MS = 60_000;
/** The server's rule for environment names (docs/api.md). */
const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Run the agent until `signal` aborts (or for one round with `once`). Configuration mistakes throw SextantErrors;
 * a failed round prints one line on stderr and the loop goes on (`once`: resolves to 2).
 */
export async function runAgent(options: AgentOptions): Promise<number> {
  const stdout = options.stdout ?? ((text) => process.stdout.write(text));
  const stderr = options.stderr ?? ((text) => process.stderr.write(text));
  const intervalSeconds = options.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  if (!(intervalSeconds > 0)) throw new SextantError('USAGE', `--interval must be a positive number of seconds`);
  if (!options.dryRun && (!options.server || !options.token)) {
    throw new SextantError('USAGE', 'no Sextant server or token: use --server URL and --token T (or SEXTANT_SERVER, SEXTANT_TOKEN)');
  }
  const cluster = await connectKubernetes(options.kubernetes);
  // A dry run sends nothing, so it needs no environment name.
  const environment = options.dryRun ? '' : environmentName(options.environment, cluster.context);
  const signal = options.signal;

  while (!signal?.aborted) {
    try {
      const snapshot = await cluster.collect(signal);
      if (options.dryRun) {
        stdout(`${JSON.stringify({ deployments: snapshot.deployments } satisfies DeploymentsReport, null, 2)}\n`);
      } else {
        const answer = await reportDeployments(options.server!, options.token!, environment, snapshot.deployments, signal);
        stdout(`${summary(environment, snapshot, answer)}\n`);
      }
      if (options.once) return 0;
    } catch (err) {
      if (signal?.aborted) break;
      stderr(`sextant: ${oneLine(err)}\n`);
      if (options.once) return 2;
    }
    try {
      await sleep(intervalSeconds * 1000, undefined, { signal });
    } catch {
      break; // aborted: stop
    }
  }
  return 0;
}

/**
 * Send the full snapshot of `environment` to the server; resolves to the server's answer (counts of deployments
 * added and removed, when it gives them). Failures are one-line SextantErrors; the token never appears in them.
 */
export async function reportDeployments(
  server: string,
  token: string,
  environment: string,
  deployments: readonly Deployment[],
  signal?: AbortSignal,
): Promise<{ added?: number; removed?: number }> {
  const url = `${server.replace(/\/+$/, '')}/api/v1/environments/${encodeURIComponent(environment)}/deployments`;
  const timeout = AbortSignal.timeout(REPORT_TIMEOUT_MS);
  let status: number;
  let text: string;
  try {
    const response = await fetch(url, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ deployments } satisfies DeploymentsReport),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    status = response.status;
    text = await response.text();
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new SextantError('NETWORK', `cannot reach the Sextant server at ${server}: ${describeNetworkError(err)}`, { cause: err });
  }
  if (status < 200 || status > 299) {
    throw new SextantError(errorCodeForStatus(status), `the Sextant server at ${server} refused the snapshot of ${environment} (HTTP ${status}): ${serverMessage(text)}`);
  }
  try {
    const answer = text ? (JSON.parse(text) as { added?: unknown; removed?: unknown }) : {};
    return {
      ...(typeof answer.added === 'number' ? { added: answer.added } : {}),
      ...(typeof answer.removed === 'number' ? { removed: answer.removed } : {}),
    };
  } catch {
    return {};
  }
}

/** `--env`, else the context's name; USAGE when neither gives a name the server accepts. */
function environmentName(given: string | undefined, context: string | null): string {
  if (given !== undefined) {
    if (!ENVIRONMENT_NAME.test(given)) {
      throw new SextantError('USAGE', `invalid environment name "${given}": letters, digits, '.', '_' and '-', at most 100, starting with a letter or digit`);
    }
    return given;
  }
  if (context === null) throw new SextantError('USAGE', 'running inside the cluster there is no kubeconfig context to name the environment: use --env NAME');
  if (!ENVIRONMENT_NAME.test(context)) {
    throw new SextantError('USAGE', `the context name "${context}" is not a valid environment name (letters, digits, '.', '_', '-'): use --env NAME`);
  }
  return context;
}

/** One line per round: what was sent and what the server made of it. */
function summary(environment: string, snapshot: KubernetesSnapshot, answer: { added?: number; removed?: number }): string {
  const changes = answer.added !== undefined && answer.removed !== undefined ? `: ${answer.added} added, ${answer.removed} removed` : '';
  const pending = snapshot.pendingContainers > 0 ? `; ${snapshot.pendingContainers} containers without an image digest yet` : '';
  return `${environment}: reported ${snapshot.deployments.length} deployments from ${snapshot.pods} pods${changes}${pending}`;
}

/** The API's `{error: {message}}`, else the start of whatever the server sent. */
function serverMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string' && message.trim()) return oneLine(message);
  } catch {
    // not JSON: a proxy's page, say
  }
  return oneLine(text.replace(/<[^>]*>/g, ' ')) || 'no message';
}

function oneLine(err: unknown): string {
  const text = isSextantError(err) || err instanceof Error ? err.message : String(err);
  const line = (text.trim().split('\n')[0] ?? '').replace(/\s+/g, ' ');
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
