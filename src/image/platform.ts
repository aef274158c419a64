// Platforms: parsing `os/arch[/variant]`, the host's default, and picking a manifest from an index (or listing
// the platforms it has).
import { arch as hostArch } from 'node:process';
import type { Descriptor, Platform } from '../core/model.ts';
import { SextantError } from '../core/errors.ts';

/** Parse `os/arch[/variant]` as given to `--platform`. */
export function parsePlatform(text: string): Platform {
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[a-z0-9._-]+$/i.test(p))) {
    throw new SextantError('USAGE', `invalid platform "${text}" (expected os/arch[/variant], e.g. linux/arm64)`);
  }
  const [os, architecture, variant] = parts as [string, string, string | undefined];
  return normalizePlatform({ os: os.toLowerCase(), architecture: architecture.toLowerCase(), ...(variant ? { variant } : {}) });
}

/** Format a platform as `os/arch[/variant]`. */
export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
}

/** Containers run Linux images on every host Sextant supports, so the host platform is linux/<node arch>. */
export function hostPlatform(): Platform {
  const byNodeArch: Record<string, Platform> = {
    x64: { os: 'linux', architecture: 'amd64' },
    arm64: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    arm: { os: 'linux', architecture: 'arm', variant: 'v7' },
    ia32: { os: 'linux', architecture: '386' },
    ppc64: { os: 'linux', architecture: 'ppc64le' },
    s390x: { os: 'linux', architecture: 's390x' },
    riscv64: { os: 'linux', architecture: 'riscv64' },
  };
  return byNodeArch[hostArch] ?? { os: 'linux', architecture: hostArch };
}

/** Apply the usual aliases (aarch64, x86_64) and default variants (arm64 → v8) so comparisons are exact. */
export function normalizePlatform(p: Platform): Platform {
  const aliases: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386' };
  const architecture = aliases[p.architecture] ?? p.architecture;
  let variant = p.variant;
  if (architecture === 'arm64' && (variant === undefined || variant === '')) variant = 'v8';
  if (p.architecture === 'armhf' && !variant) variant = 'v7';
  if (p.architecture === 'armel' && !variant) variant = 'v6';
  return { ...p, architecture, ...(variant ? { variant } : {}) };
}

/** True when `candidate` satisfies `wanted`: same os and architecture, and the variant when one is wanted. */
export function platformMatches(candidate: Platform, wanted: Platform): boolean {
  const c = normalizePlatform(candidate);
  const w = normalizePlatform(wanted);
  if (c.os !== w.os || c.architecture !== w.architecture) return false;
  return w.variant === undefined || c.variant === w.variant;
}

/**
 * Pick the image manifest for a platform among an index's entries. Attestation entries (`unknown/unknown`)
 * are ignored. With no explicit platform and exactly one image in the index, that image is taken even when
 * it is not the host's; otherwise a miss is UNKNOWN_PLATFORM.
 */
export function selectManifest(entries: Descriptor[], wanted: Platform | null, where: string): Descriptor {
  const images = imageEntries(entries);
  const target = wanted ?? hostPlatform();
  const withPlatform = images.filter((d) => d.platform);
  const match = withPlatform.find((d) => platformMatches(d.platform as Platform, target));
  if (match) return match;
  // A lone image is taken when no platform was asked for, or when its entry does not say (the config will).
  const only = images.length === 1 ? images[0] : undefined;
  if (only && (wanted === null || !only.platform)) return only;
  const available = withPlatform.map((d) => formatPlatform(normalizePlatform(d.platform as Platform)));
  throw new SextantError(
    'UNKNOWN_PLATFORM',
    `no image for platform ${formatPlatform(target)} in ${where}${available.length ? ` (available: ${[...new Set(available)].join(', ')})` : ''}`,
  );
}

/** The platforms an index's entries name (attestation entries, `unknown/unknown`, left out), each once, as listed. */
export function indexPlatforms(entries: Descriptor[]): Platform[] {
  const byName = new Map<string, Platform>();
  for (const d of imageEntries(entries)) {
    if (!d.platform) continue;
    const name = formatPlatform(normalizePlatform(d.platform));
    if (!byName.has(name)) byName.set(name, d.platform);
  }
  return [...byName.values()];
}

/** An index's entries other than attestation manifests (whose platform is `unknown/unknown`). */
function imageEntries(entries: Descriptor[]): Descriptor[] {
  return entries.filter((d) => !d.platform || (d.platform.os !== 'unknown' && d.platform.architecture !== 'unknown'));
}
