// Benchmarks, run as `npm run bench -- <name> [args]`. Each prints its figures beside the baselines it names.
import { dashboardBench } from './dashboard.ts';
import { inspectBench } from './inspect.ts';
import { matchBench } from './match.ts';
import { sbomBench } from './sbom.ts';
import { serverBench } from './server.ts';
import { secretsBench } from './secrets.ts';

const benches: Record<string, (args: string[]) => Promise<void>> = { dashboard: dashboardBench, inspect: inspectBench, match: matchBench, sbom: sbomBench, secrets: secretsBench, server: serverBench };

const [name, ...args] = process.argv.slice(2);
const bench = name ? benches[name] : undefined;
if (!bench) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [args]\n`);
  process.exit(2);
}
await bench(args);
