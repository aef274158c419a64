// The catalogers Sextant runs, by name: OS package databases first, then application ecosystems.
import type { Cataloger } from './cataloger.ts';
import { apkCataloger } from './ecosystems/apk/cataloger.ts';
import { condaMetaCataloger } from './ecosystems/conda/cataloger.ts';
import { dartPubspecLockCataloger } from './ecosystems/dart/cataloger.ts';
import { hexMixLockCataloger } from './ecosystems/hex/cataloger.ts';
import { swiftPackageResolvedCataloger } from './ecosystems/swift/cataloger.ts';
import { goBinaryCataloger, runtimeBinaryCataloger, rustBinaryCataloger } from './ecosystems/binary/cataloger.ts';
import { dotnetDepsJsonCataloger, nugetLockCataloger } from './ecosystems/dotnet/cataloger.ts';
import { dpkgCataloger } from './ecosystems/dpkg/cataloger.ts';
import { goModCataloger, goSumCataloger } from './ecosystems/go/cataloger.ts';
import { gradleLockfileCataloger, javaArchiveCataloger } from './ecosystems/java/cataloger.ts';
import { npmInstalledCataloger, npmLockCataloger } from './ecosystems/npm/cataloger.ts';
import { composerCataloger } from './ecosystems/php/cataloger.ts';
import { pythonInstalledCataloger, pythonLockfileCataloger } from './ecosystems/python/cataloger.ts';
import { rpmCataloger } from './ecosystems/rpm/cataloger.ts';
import { rubyGemfileLockCataloger, rubyGemspecCataloger } from './ecosystems/ruby/cataloger.ts';
import { rustCargoLockCataloger } from './ecosystems/rust/cataloger.ts';

/** Every cataloger, keyed by name. */
export const catalogers: Readonly<Record<string, Cataloger>> = Object.fromEntries(
  [
    dpkgCataloger,
    apkCataloger,
    rpmCataloger,
    npmInstalledCataloger,
    npmLockCataloger,
    pythonInstalledCataloger,
    pythonLockfileCataloger,
    rubyGemspecCataloger,
    rubyGemfileLockCataloger,
    composerCataloger,
    javaArchiveCataloger,
    gradleLockfileCataloger,
    dotnetDepsJsonCataloger,
    nugetLockCataloger,
    rustCargoLockCataloger,
    goModCataloger,
    goSumCataloger,
    condaMetaCataloger,
    dartPubspecLockCataloger,
    hexMixLockCataloger,
    swiftPackageResolvedCataloger,
    goBinaryCataloger,
    rustBinaryCataloger,
    runtimeBinaryCataloger,
  ].map((c) => [c.name, c]),
);

/** The catalogers a plain `sextant sbom` runs: all of them, in registry order. */
export function defaultCatalogers(): Cataloger[] {
  return Object.values(catalogers);
}
