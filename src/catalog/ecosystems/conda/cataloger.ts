// Conda cataloger: the conda-meta/*.json records of packages installed in conda environments.
import { globCataloger } from '../../cataloger.ts';
import type { Cataloger } from '../../cataloger.ts';
import { parseCondaMeta } from './parse-conda-meta.ts';

/** Packages installed in any conda environment (`<prefix>/conda-meta/<name>-<version>-<build>.json`). */
export const condaMetaCataloger = globCataloger('conda-meta', 1, [{ glob: '**/conda-meta/*.json', parse: parseCondaMeta }]) satisfies Cataloger;
