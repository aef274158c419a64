// Parser for SwiftPM Package.resolved (format versions 1, 2 and 3): the pinned source-control packages.
import type { ParseContext } from '../../cataloger.ts';
import { SextantError } from '../../../core/errors.ts';
import type { Package } from '../../../core/package.ts';
import { makePurl } from '../../purl.ts';
import { buildPackage } from '../../package-builder.ts';

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function record(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/**
 * The purl namespace and name of a repository URL, per purl-spec's swift type: `https://github.com/Quick/Nimble.git`
 * and `git@github.com:Quick/Nimble.git` both give namespace `github.com/Quick`, name `Nimble`. Null for local
 * paths and anything without a host and a path.
 */
export function swiftCoordinates(url: string): { namespace: string; name: string } | null {
  let hostPath: string;
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/)(.+)$/.exec(url);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return null;
    }
    if (u.protocol === 'file:' || !u.hostname) return null;
    hostPath = `${u.hostname}${u.pathname}`;
  } else if (scp) {
    hostPath = `${scp[1]}/${scp[2]}`;
  } else {
    return null;
  }
  const parts = hostPath.replace(/\/+$/, '').replace(/\.git$/, '').split('/').filter(Boolean);
  if (parts.length < 2) return null;
  const name = parts.pop() as string;
  return { namespace: parts.join('/'), name };
}

/**
 * Parse a Package.resolved. Version 1 nests pins under `object` (`package`, `repositoryURL`); versions 2 and 3
 * list them at the top (`identity`, `kind`, `location`). A pin's version is its tag version, or, for a pin on a
 * branch or a bare revision, the commit it resolved to (the branch name is kept in metadata: it moves). Pins
 * without a remote URL (local packages) are left out. Throws CORRUPT when the file is not JSON.
 */
export function parsePackageResolved(content: Buffer, ctx: ParseContext): Package[] {
  let doc: unknown;
  try {
    doc = JSON.parse(content.toString('utf8'));
  } catch (cause) {
    throw new SextantError('CORRUPT', `${ctx.location.path}: not JSON`, { cause });
  }
  const root = record(doc);
  if (!root) return [];
  const formatVersion = typeof root['version'] === 'number' ? root['version'] : null;
  const pins = root['pins'] ?? record(root['object'])?.['pins'];
  if (!Array.isArray(pins)) return [];
  const out: Package[] = [];
  for (const raw of pins) {
    const pin = record(raw);
    if (!pin) continue;
    const url = str(pin['location']) ?? str(pin['repositoryURL']);
    const kind = str(pin['kind']);
    if (!url || kind === 'localSourceControl' || kind === 'fileSystem') continue;
    const coords = swiftCoordinates(url);
    const state = record(pin['state']) ?? {};
    const tag = str(state['version']);
    const revision = str(state['revision']);
    const branch = str(state['branch']);
    const version = tag ?? revision;
    if (!coords || !version) continue;
    const metadata: Record<string, unknown> = { location: url };
    const identity = str(pin['identity']) ?? str(pin['package']);
    if (identity) metadata['identity'] = identity;
    if (kind) metadata['kind'] = kind;
    if (revision) metadata['revision'] = revision;
    if (branch) metadata['branch'] = branch;
    if (formatVersion !== null) metadata['formatVersion'] = formatVersion;
    out.push(buildPackage(
      {
        type: 'swift',
        namespace: coords.namespace,
        name: coords.name,
        version,
        purl: makePurl({ type: 'swift', namespace: coords.namespace, name: coords.name, version }),
        metadata,
      },
      ctx,
    ));
  }
  return out;
}
