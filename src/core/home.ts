// Where Sextant keeps its local state (layer cache, compiled-code cache).
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The directory Sextant keeps its state in: `$SEXTANT_HOME`, else `~/.cache/sextant`. */
export function sextantHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.SEXTANT_HOME || join(homedir(), '.cache', 'sextant');
}
