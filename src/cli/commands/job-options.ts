// The options `sextant server` and `sextant worker` share, for the jobs either may run: where advisory syncs read
// (OSV, KEV, EPSS) and which registries analyses may reach over plain HTTP.
import type { Command } from 'commander';
import type { RuntimeOptions } from '../../platform/runtime.ts';

export interface JobCommandOptions {
  advisorySource?: string;
  kevUrl?: string;
  kev: boolean;
  epssUrl?: string;
  epss: boolean;
  insecureRegistry: string[];
}

/** Add the job options to `command`. */
export function withJobOptions(command: Command): Command {
  return command
    .option('--advisory-source <url>', 'OSV-style base URL advisory syncs read, <base>/<Ecosystem>/all.zip (default: $SEXTANT_ADVISORY_SOURCE, else the public OSV bucket)')
    .option('--kev-url <url>', 'where advisory syncs fetch the CISA KEV catalogue (JSON)')
    .option('--no-kev', 'leave the CISA KEV catalogue out of advisory syncs')
    .option('--epss-url <url>', 'where advisory syncs fetch the EPSS scores (CSV, optionally gzipped)')
    .option('--no-epss', 'leave the EPSS scores out of advisory syncs')
    .option('--insecure-registry <host>', 'a registry (host[:port]) registry analyses may reach over plain HTTP; repeatable', (value: string, all: string[]) => [...all, value], []);
}

/** The runtime's settings from the job options ($SEXTANT_ADVISORY_SOURCE when --advisory-source is not given). */
export function jobSettings(opts: JobCommandOptions): Pick<RuntimeOptions, 'advisorySource' | 'kevUrl' | 'epssUrl' | 'insecureRegistries'> {
  return {
    advisorySource: opts.advisorySource ?? (process.env.SEXTANT_ADVISORY_SOURCE || undefined),
    kevUrl: opts.kev ? opts.kevUrl : null,
    epssUrl: opts.epss ? opts.epssUrl : null,
    insecureRegistries: opts.insecureRegistry,
  };
}
