// The version Sextant reports, from its package.json (inlined when the CLI is bundled).
import manifest from '../../package.json' with { type: 'json' };

/** Sextant's version. */
export const version: string = manifest.version;
