// The measured side of the inspect benchmark: Sextant's inspect of one image, timed from inside the process.
import { inspectImage } from '../src/analyze/inspect.ts';

const start = performance.now();
const metadata = await inspectImage(process.argv[2] as string, { platform: null });
const seconds = (performance.now() - start) / 1000;
if (metadata.layers.length === 0) throw new Error('no layers walked');
process.stdout.write(`${JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
