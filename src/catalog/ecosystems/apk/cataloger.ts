// The apk cataloger: Alpine-family packages from apk's installed database.
import { globCataloger } from '../../cataloger.ts';
import { parseApkInstalled } from './parse-installed.ts';

/**
 * Finds apk packages. apk-tools keeps its database in `/lib/apk/db`; newer releases keep it under `/usr/lib`
 * (with `/lib/apk` a link to it), and the glob walk does not follow symlinked directories, so both are listed.
 */
export const apkCataloger = globCataloger('apk', 1, [
  { glob: '/lib/apk/db/installed', parse: parseApkInstalled },
  { glob: '/usr/lib/apk/db/installed', parse: parseApkInstalled },
]);
