// The advisory store the CLI uses: `--database` (a SQLite path or postgres:// URL), SEXTANT_DATABASE, else
// $SEXTANT_HOME/db/advisories.sqlite.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sextantHome } from '../core/home.ts';
import type { AdvisoryStore } from '../advisory/store/advisory-store.ts';

/** Help text of the `--database` option. */
export const DATABASE_OPTION_HELP = 'SQLite file or postgres:// URL (default: $SEXTANT_HOME/db/advisories.sqlite)';

/** Open the advisory store named by `--database`, SEXTANT_DATABASE or the default. */
export async function openAdvisoryStore(database?: string): Promise<AdvisoryStore> {
  const { AdvisoryStore } = await import('../advisory/store/advisory-store.ts');
  let url = database ?? process.env.SEXTANT_DATABASE;
  if (!url) {
    const dir = join(sextantHome(), 'db');
    mkdirSync(dir, { recursive: true });
    url = join(dir, 'advisories.sqlite');
  }
  return AdvisoryStore.open({ url });
}
