// The version Sextant reports, read from its package.json.
import { readFileSync } from 'node:fs';

/** Sextant's version, from package.json (two levels above both src/cli and dist/cli). */
export const version: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
