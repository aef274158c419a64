// The rpm cataloger: installed packages from rpm's three database formats (SQLite, Berkeley DB, NDB).
import { globCataloger } from '../../cataloger.ts';
import type { Cataloger } from '../../cataloger.ts';
import { parseRpmBdb } from './parse-bdb.ts';
import { parseRpmNdb } from './parse-ndb.ts';
import { parseRpmSqlite } from './parse-sqlite.ts';

// rpm keeps its database in /var/lib/rpm, in /usr/lib/sysimage/rpm since rpm 4.16, and in /usr/share/rpm on old
// SUSE images; `**/` also finds the databases of root filesystems nested in an image (installers, sysroots).
const DIRS = '**/{var/lib,usr/lib/sysimage,usr/share}/rpm';

/**
 * Installed rpm packages: one package per header in `rpmdb.sqlite` (plus its `-wal` log), `Packages` (Berkeley DB)
 * or `Packages.db` (NDB).
 */
export const rpmCataloger = globCataloger(
  'rpm-db',
  1,
  [
    { glob: `${DIRS}/rpmdb.sqlite`, parse: parseRpmSqlite },
    { glob: `${DIRS}/Packages`, parse: parseRpmBdb },
    { glob: `${DIRS}/Packages.db`, parse: parseRpmNdb },
  ],
  // Read beside rpmdb.sqlite, never parsed on its own: committed transactions not yet checkpointed live there.
  [`${DIRS}/rpmdb.sqlite-wal`],
  // rpm databases of full distributions run to tens of MB (Fedora, UBI, CentOS 7's Packages).
  { maxFileBytes: 256 * 2 ** 20 },
) satisfies Cataloger;
