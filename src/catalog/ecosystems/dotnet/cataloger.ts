// .NET catalogers: published applications' `*.deps.json` and NuGet's `packages.lock.json`.
import { globCataloger } from '../../cataloger.ts';
import type { Cataloger } from '../../cataloger.ts';
import { parseDepsJson } from './parse-deps-json.ts';
import { parsePackagesLock } from './parse-packages-lock.ts';

/** NuGet packages a published .NET application carries, from its `*.deps.json`. */
export const dotnetDepsJsonCataloger = globCataloger('dotnet-deps-json', 1, [{ glob: '**/*.deps.json', parse: parseDepsJson }]) satisfies Cataloger;

/** NuGet packages pinned by a project's `packages.lock.json`. */
export const nugetLockCataloger = globCataloger('nuget-lock', 1, [{ glob: '**/packages.lock.json', parse: parsePackagesLock }]) satisfies Cataloger;
