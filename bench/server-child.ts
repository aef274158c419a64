// Bench support: `startServer` in a process of its own, so the server bench's client does not share its event loop
// (and `--cpu-prof` profiles the server alone). Options as JSON in argv[2]; prints the URL, stops on SIGTERM.
import { closeOnSignals, startServer, type ServerOptions } from '../src/platform/server.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions;
const server = await startServer({ ...options, print: () => {} });
process.stdout.write(`${server.url}\n`);
try {
  await closeOnSignals(server);
} catch (err) {
  // Reported in one line: the figures are taken by then.
  process.stderr.write(`bench server: stopping failed: ${(err as Error).message}\n`);
}
process.exit(0);
