// Bench support: run a command under GNU time for its wall time and peak RSS, and take medians of such samples.
import { spawnSync } from 'node:child_process';
import { basename } from 'node:path';

/** One run's wall time and peak resident memory. */
export interface Sample {
  seconds: number;
  maxRssMb: number;
}

/** Run a command under GNU time for wall time and peak RSS (largest process of the tree). Throws when it fails. */
export function measureCommand(cmd: string, args: string[], env: Record<string, string> = {}): Sample {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 28,
  });
  const last = lastLine(r.stderr);
  if (r.status !== 0) {
    const why = (r.stderr ?? '').split('\n').filter((l) => l.trim() && !/^Command exited|^\d+\.\d+ \d+$/.test(l)).pop() ?? `exit ${r.status}`;
    throw new Error(`${basename(cmd === 'unshare' ? (args[1] ?? cmd) : cmd)} exited ${r.status}: ${why.trim().slice(0, 200)}`);
  }
  const [seconds, kb] = last.split(' ').map(Number);
  return { seconds: seconds ?? NaN, maxRssMb: (kb ?? NaN) / 1024 };
}

/** The median time and the median peak RSS of `runs` samples. */
export function median(runs: number, sample: () => Sample): Sample {
  const samples = Array.from({ length: runs }, sample);
  const pick = (f: (s: Sample) => number) => samples.map(f).sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
  return { seconds: pick((s) => s.seconds), maxRssMb: pick((s) => s.maxRssMb) };
}

/** The last non-empty line of a command's output. */
export function lastLine(s: string | null | undefined): string {
  return (s ?? '').trim().split('\n').pop()?.trim() ?? '';
}
