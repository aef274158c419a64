// Python catalogers: installed packages (core metadata in site-packages) and project lockfiles, wired to their globs.
import { globCataloger } from '../../cataloger.ts';
import type { Cataloger } from '../../cataloger.ts';
import { parseMetadata } from './parse-metadata.ts';
import { parsePipfileLock } from './parse-pipfile-lock.ts';
import { parsePoetryLock } from './parse-poetry-lock.ts';
import { parseRequirements } from './parse-requirements.ts';
import { parseUvLock } from './parse-uv-lock.ts';

/** Installed packages: wheel `.dist-info` and setuptools `.egg-info` (directory or single file) and `.egg` metadata. */
export const pythonInstalledCataloger = globCataloger(
  'python-installed',
  1,
  [
    { glob: '**/*.dist-info/METADATA', parse: parseMetadata },
    { glob: '**/*.egg-info/PKG-INFO', parse: parseMetadata },
    { glob: '**/*.egg-info', parse: parseMetadata },
    { glob: '**/*.egg/EGG-INFO/PKG-INFO', parse: parseMetadata },
  ],
  // Read beside the metadata file: owned files and sizes, the installer, PEP 610 origin, egg dependencies.
  [
    '**/*.dist-info/RECORD',
    '**/*.dist-info/INSTALLER',
    '**/*.dist-info/direct_url.json',
    '**/*.egg-info/requires.txt',
    '**/*.egg/EGG-INFO/requires.txt',
  ],
) satisfies Cataloger;

/** Project lockfiles and pinned requirements files. */
export const pythonLockfileCataloger = globCataloger(
  'python-lockfiles',
  1,
  [
    { glob: '**/*requirements*.txt', parse: parseRequirements },
    { glob: '**/poetry.lock', parse: parsePoetryLock },
    { glob: '**/Pipfile.lock', parse: parsePipfileLock },
    { glob: '**/uv.lock', parse: parseUvLock },
  ],
  // Read beside the lockfiles: what the project asks for directly.
  ['**/pyproject.toml', '**/Pipfile'],
) satisfies Cataloger;
