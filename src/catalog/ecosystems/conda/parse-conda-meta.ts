// Parser for one conda-meta/<name>-<version>-<build>.json record: a package installed in a conda environment.
import type { ParseContext } from '../../cataloger.ts';
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import { normalizeLicenses } from '../../licenses.ts';
import { makePurl } from '../../purl.ts';
import { buildPackage } from '../../package-builder.ts';

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/**
 * The short channel name purls use (`main`, `conda-forge`) from the URL conda records
 * (`https://repo.anaconda.com/pkgs/main/linux-64`): the last path segment once the platform subdir is dropped.
 * A channel already written as a bare name is kept.
 */
export function condaChannelName(channel: string, subdir: string | null): string {
  let path = channel.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, '').replace(/\/+$/, '');
  if (subdir && path.endsWith(`/${subdir}`)) path = path.slice(0, -subdir.length - 1);
  const segments = path.split('/').filter(Boolean);
  return segments.at(-1) ?? channel;
}

/** Installed bytes: the sum of the package's files as linked (symlinks take no space of their own). */
function installedSize(pathsData: unknown): number | null {
  if (!pathsData || typeof pathsData !== 'object') return null;
  const paths = (pathsData as Record<string, unknown>)['paths'];
  if (!Array.isArray(paths) || paths.length === 0) return null;
  let total = 0;
  for (const p of paths) {
    if (!p || typeof p !== 'object') continue;
    const rec = p as Record<string, unknown>;
    if (rec['path_type'] === 'softlink') continue;
    if (typeof rec['size_in_bytes'] === 'number') total += rec['size_in_bytes'];
  }
  return total;
}

/**
 * Parse a conda-meta JSON record into its package (`pkg:conda/<name>@<version>?build=…&channel=…&subdir=…`).
 * Returns nothing for a record without name or version; throws CORRUPT when the file is not JSON.
 */
export function parseCondaMeta(content: Buffer, ctx: ParseContext): Package[] {
  let doc: unknown;
  try {
    doc = JSON.parse(content.toString('utf8'));
  } catch (cause) {
    throw new SextantError('CORRUPT', `${ctx.location.path}: not JSON`, { cause });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return [];
  const m = doc as Record<string, unknown>;
  const name = str(m['name']);
  const version = str(m['version']);
  if (!name || !version) return [];
  const build = str(m['build']);
  const subdir = str(m['subdir']);
  const channelUrl = str(m['channel']);
  const channel = channelUrl ? condaChannelName(channelUrl, subdir) : null;
  // `depends` entries are match specs, `name [version [build]]`; the name is what dependsOn wants.
  const depends = Array.isArray(m['depends']) ? m['depends'].filter((d): d is string => typeof d === 'string') : [];
  const dependsOn = depends.map((d) => d.trim().split(/\s+/)[0] ?? '').filter(Boolean);
  // conda writes requested_spec "None" for packages pulled in as dependencies, the user's spec otherwise.
  const requested = str(m['requested_spec']);
  const direct = requested === null ? null : requested !== 'None';
  const files = Array.isArray(m['files']) ? m['files'].length : null;
  const metadata: Record<string, unknown> = {};
  const keep: [string, unknown][] = [
    ['build', build],
    ['buildNumber', typeof m['build_number'] === 'number' ? m['build_number'] : null],
    ['channel', channelUrl],
    ['subdir', subdir],
    ['fn', str(m['fn'])],
    ['url', str(m['url'])],
    ['md5', str(m['md5'])],
    ['sha256', str(m['sha256'])],
    ['archiveSize', typeof m['size'] === 'number' ? m['size'] : null],
    ['requestedSpec', requested],
    ['depends', depends.length ? depends : null],
    ['fileCount', files],
  ];
  for (const [k, v] of keep) if (v !== null) metadata[k] = v;
  return [
    buildPackage(
      {
        type: 'conda',
        name,
        version,
        purl: makePurl({ type: 'conda', name, version, qualifiers: { build, channel, subdir } }),
        description: str(m['summary']) ?? str(m['description']),
        licenses: normalizeLicenses([str(m['license'])]),
        size: installedSize(m['paths_data']),
        direct,
        dependsOn,
        arch: subdir,
        metadata,
      },
      ctx,
    ),
  ];
}
