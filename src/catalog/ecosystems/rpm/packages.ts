// From the header blobs of one rpm database to Packages: purls, licences, source rpm, and requires resolved to package names.
import parseSpdx from 'spdx-expression-parse';
import type { OsRelease } from '../../../core/model.ts';
import type { Package } from '../../../core/package.ts';
import type { ParseContext } from '../../cataloger.ts';
import { NOASSERTION, normalizeLicenses } from '../../licenses.ts';
import { makePurl } from '../../purl.ts';
import { parseRpmHeader } from './parse-header.ts';
import type { RpmHeader } from './parse-header.ts';

/** Options shared by the three database parsers. */
export interface RpmParseOptions {
  /** Keep every owned file path in `metadata.files` (default: only `metadata.fileCount`). */
  files?: boolean;
}

/** One header blob and the database's key for it (sqlite hnum, bdb key, ndb pkgidx), which orders the output. */
export interface RpmBlob {
  key: number;
  blob: Buffer;
}

/**
 * Packages for every readable header among `blobs`, in key order. Unreadable headers are skipped, as are the
 * `gpg-pubkey` pseudo-packages rpm keeps for imported signing keys (they are keys, not installed software).
 * Requires are resolved to the names of the packages in the same database that provide them (by capability or by
 * owned file); requirements nothing here provides (`rpmlib(...)`, missing packages) are kept only in metadata.
 */
export function rpmPackages(blobs: Iterable<RpmBlob>, ctx: ParseContext, options: RpmParseOptions = {}): Package[] {
  const keyed: { key: number; h: RpmHeader }[] = [];
  for (const { key, blob } of blobs) {
    // Files are read for dependency resolution (requires such as /bin/sh) even when not kept.
    const h = parseRpmHeader(blob, { files: true });
    if (h && h.name !== 'gpg-pubkey') keyed.push({ key, h });
  }
  const headers = keyed.sort((a, b) => a.key - b.key).map((k) => k.h);
  const providers = providerIndex(headers);
  return headers.map((h) => toPackage(h, ctx, dependsOn(h, providers), options));
}

function providerIndex(headers: readonly RpmHeader[]): Map<string, Set<string>> {
  const wanted = new Set<string>();
  for (const h of headers) for (const r of h.requires) wanted.add(r);
  const index = new Map<string, Set<string>>();
  const add = (capability: string, name: string): void => {
    if (!wanted.has(capability)) return;
    let names = index.get(capability);
    if (!names) index.set(capability, (names = new Set()));
    names.add(name);
  };
  for (const h of headers) {
    for (const p of h.provides) add(p, h.name);
    for (const f of h.files ?? []) add(f, h.name);
  }
  return index;
}

function dependsOn(h: RpmHeader, providers: Map<string, Set<string>>): string[] {
  const out = new Set<string>();
  for (const r of h.requires) for (const name of providers.get(r) ?? []) if (name !== h.name) out.add(name);
  return [...out];
}

function toPackage(h: RpmHeader, ctx: ParseContext, deps: string[], options: RpmParseOptions): Package {
  // Epoch 0 and no epoch compare equal in rpm, so only a positive epoch shows in the version and the purl.
  const epoch = h.epoch !== null && h.epoch > 0 ? h.epoch : null;
  const evr = h.release ? `${h.version}-${h.release}` : h.version;
  const namespace = rpmNamespace(ctx.distro);
  const authors = [...new Set([h.packager, h.vendor].filter((a): a is string => !!a && a !== '(none)'))];
  return {
    type: 'rpm',
    namespace,
    name: h.name,
    version: epoch === null ? evr : `${epoch}:${evr}`,
    purl: makePurl({
      type: 'rpm',
      namespace,
      name: h.name,
      version: evr,
      qualifiers: { arch: h.arch, epoch: epoch === null ? null : String(epoch), distro: distroQualifier(ctx.distro) },
    }),
    authors,
    description: h.summary,
    licenses: rpmLicense(h.license),
    size: h.size,
    locations: [ctx.location],
    direct: null,
    dependsOn: deps,
    source: parseSourceRpm(h.sourceRpm),
    arch: h.arch,
    foundBy: ctx.foundBy,
    metadata: {
      epoch: h.epoch,
      version: h.version,
      release: h.release,
      sourceRpm: h.sourceRpm,
      license: h.license,
      vendor: h.vendor,
      packager: h.packager,
      url: h.url,
      installTime: h.installTime,
      sigMd5: h.sigMd5,
      signature: h.signature,
      modularityLabel: h.modularityLabel,
      provides: h.provides,
      requires: h.requires,
      fileCount: h.fileCount,
      ...(options.files ? { files: h.files ?? [] } : {}),
    },
  };
}

// purl namespaces follow the vendor names vulnerability feeds use where they differ from os-release IDs.
const NAMESPACES: Record<string, string> = { rhel: 'redhat', amzn: 'amazon', ol: 'oracle', sles: 'suse', sled: 'suse', 'sle-micro': 'suse', 'sl-micro': 'suse' };

/** The purl namespace for an rpm package on `distro`: its os-release ID, with RHEL as `redhat` and every openSUSE as `opensuse`. */
export function rpmNamespace(distro: OsRelease | null): string | null {
  const id = distro?.id?.toLowerCase();
  if (!id) return null;
  if (id.startsWith('opensuse')) return 'opensuse';
  return NAMESPACES[id] ?? id;
}

function distroQualifier(distro: OsRelease | null): string | null {
  if (!distro?.id) return null;
  return distro.versionId ? `${distro.id}-${distro.versionId}` : distro.id;
}

/** Source package from a SOURCERPM value, `name-version-release.src.rpm` → {name, version: `version-release`}. */
export function parseSourceRpm(sourceRpm: string | null): { name: string; version: string } | null {
  if (!sourceRpm) return null;
  const base = sourceRpm.replace(/\.(?:no)?src\.rpm$/, '');
  const rel = base.lastIndexOf('-');
  const ver = rel > 0 ? base.lastIndexOf('-', rel - 1) : -1;
  if (ver <= 0) return null;
  return { name: base.slice(0, ver), version: base.slice(ver + 1) };
}

/**
 * An rpm License tag as SPDX. Fedora and SUSE write operators in lower case (`GPLv2+ and LGPLv2+`), which SPDX
 * does not accept, so operators are upper-cased and each operand corrected on its own when the whole is not valid.
 */
export function rpmLicense(text: string | null): string {
  const raw = text?.trim();
  if (!raw) return NOASSERTION;
  const upper = raw.replace(/\s+(and|or|with)\s+/gi, (_m, op: string) => ` ${op.toUpperCase()} `);
  if (isSpdx(upper) && !/\bSUSE-/.test(upper)) return upper;
  // Split into operands, operators and parentheses; an operand after WITH is an exception and kept as written.
  const tokens = upper.split(/(\s+(?:AND|OR|WITH)\s+|[()])/).filter((t) => t.trim() !== '');
  let afterWith = false;
  const rebuilt = tokens
    .map((t) => {
      const s = t.trim();
      if (s === 'AND' || s === 'OR' || s === 'WITH') {
        afterWith = s === 'WITH';
        return ` ${s} `;
      }
      if (s === '(' || s === ')') return s;
      const out = afterWith ? s : rpmLicenseId(s);
      afterWith = false;
      return out;
    })
    .join('');
  return isSpdx(rebuilt) ? rebuilt : normalizeLicenses([raw]);
}

// Fedora's legacy short names, whose meaning (`GPLv3` is GPL-3.0-only, `GPL+` any version) generic correction guesses wrong.
const FEDORA_LEGACY: Record<string, string> = {
  'GPL+': 'GPL-1.0-or-later',
  GPLv2: 'GPL-2.0-only',
  'GPLv2+': 'GPL-2.0-or-later',
  GPLv3: 'GPL-3.0-only',
  'GPLv3+': 'GPL-3.0-or-later',
  'LGPL+': 'LGPL-2.0-or-later',
  LGPLv2: 'LGPL-2.0-only',
  'LGPLv2+': 'LGPL-2.0-or-later',
  LGPLv3: 'LGPL-3.0-only',
  'LGPLv3+': 'LGPL-3.0-or-later',
  AGPLv3: 'AGPL-3.0-only',
  'AGPLv3+': 'AGPL-3.0-or-later',
  'ASL 2.0': 'Apache-2.0',
  'MPLv1.1': 'MPL-1.1',
  'MPLv2.0': 'MPL-2.0',
};

// One licence operand: a Fedora legacy name, a SUSE-specific name (kept as a LicenseRef, never "corrected" into a
// different licence), or whatever the shared normaliser makes of it.
function rpmLicenseId(id: string): string {
  const legacy = FEDORA_LEGACY[id];
  if (legacy) return legacy;
  if (id.startsWith('SUSE-')) return `LicenseRef-${id.replace(/[^A-Za-z0-9.-]+/g, '-')}`;
  return normalizeLicenses([id]);
}

function isSpdx(expr: string): boolean {
  try {
    parseSpdx(expr);
    return true;
  } catch {
    return false;
  }
}
