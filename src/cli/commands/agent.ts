// `sextant agent kubernetes`: reports which image digests run in a Kubernetes cluster to a Sextant server, every
// interval or once. The Kubernetes client is loaded only when the command runs.
import type { Command } from 'commander';
import { SextantError } from '../../core/errors.ts';
import { resolveServerConnection, withServerOptions, type ServerCommandOptions } from '../server-client.ts';

interface KubernetesAgentOptions extends ServerCommandOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  interval: string;
  env?: string;
  once?: boolean;
  dryRun?: boolean;
}

/** Add `agent` and its subcommands to the program. */
export function registerAgent(program: Command): void {
  const agent = program.command('agent').description('Report what runs where to a Sextant server');
  const kubernetes = agent
    .command('kubernetes')
    .description('Report the image digests of every workload in a Kubernetes cluster, as the environment named by --env')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else the service account when run in a pod)')
    .option('--context <name>', 'kubeconfig context to use (default: its current context)')
    .option('--namespace <name>', 'read this namespace only (default: all namespaces)')
    .option('--interval <seconds>', 'seconds between two reports', '60')
    .option('--env <name>', "environment name on the server (default: the kubeconfig context's name)")
    .option('--once', 'report once and exit (0 on success, 2 on failure)')
    .option('--dry-run', 'print each snapshot as JSON instead of sending it');
  withServerOptions(kubernetes).action(async (opts: KubernetesAgentOptions) => {
    const intervalSeconds = Number(opts.interval);
    if (!Number.isFinite(intervalSeconds) || intervalSeconds <= 0) {
      throw new SextantError('USAGE', `--interval must be a positive number of seconds, not "${opts.interval}"`);
    }
    const connection = opts.dryRun ? null : resolveServerConnection(opts);
    const { runAgent } = await import('../../platform/agent/run-agent.ts');
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const code = await runAgent({
        kubernetes: { kubeconfig: opts.kubeconfig, context: opts.context, namespace: opts.namespace },
        server: connection?.server,
        token: connection?.token,
        environment: opts.env,
        intervalSeconds,
        once: opts.once,
        dryRun: opts.dryRun,
        signal: stop.signal,
      });
      if (code !== 0) process.exitCode = code;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
}
