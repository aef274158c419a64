// The image config blob (OCI / Docker): runtime settings, platform, rootfs diffIDs and history.
import type { HistoryEntry } from '../core/model.ts';
import { SextantError } from '../core/errors.ts';
import { isDigest } from './descriptor.ts';
import { obj, parseJsonObject, str, stringMap, strArray } from './json.ts';
import { compareText } from '../core/compare-text.ts';

/** The parts of an image config Sextant reads. */
export interface ImageConfig {
  created: string | null;
  architecture: string | null;
  variant: string | null;
  os: string | null;
  osVersion: string | null;
  user: string | null;
  env: string[];
  exposedPorts: string[];
  entrypoint: string[] | null;
  cmd: string[] | null;
  workingDir: string | null;
  labels: Record<string, string>;
  stopSignal: string | null;
  diffIds: string[];
  history: HistoryEntry[];
}

/** Parse a config blob. `where` names it in errors. */
export function parseImageConfig(bytes: Buffer, where: string): ImageConfig {
  const doc = parseJsonObject(bytes, where);
  const rootfs = obj(doc.rootfs);
  const diffIds = strArray(rootfs?.diff_ids);
  if (!rootfs || diffIds === null) {
    throw new SextantError('NOT_AN_IMAGE', `${where} is not a container image config (no rootfs.diff_ids)`);
  }
  for (const d of diffIds) if (!isDigest(d)) throw new SextantError('CORRUPT', `${where}: invalid diffID "${d.slice(0, 80)}"`);
  const c = obj(doc.config) ?? {};
  const history = Array.isArray(doc.history)
    ? doc.history.map((h): HistoryEntry => {
        const e = obj(h) ?? {};
        return {
          created: str(e.created),
          createdBy: str(e.created_by),
          comment: str(e.comment),
          emptyLayer: e.empty_layer === true,
        };
      })
    : [];
  return {
    created: str(doc.created),
    architecture: str(doc.architecture),
    variant: str(doc.variant),
    os: str(doc.os),
    osVersion: str(doc['os.version']),
    user: str(c.User) || null,
    env: strArray(c.Env) ?? [],
    exposedPorts: Object.keys(obj(c.ExposedPorts) ?? {}).sort(comparePorts),
    entrypoint: strArray(c.Entrypoint),
    cmd: strArray(c.Cmd),
    workingDir: str(c.WorkingDir) || null,
    labels: stringMap(c.Labels),
    stopSignal: str(c.StopSignal),
    diffIds,
    history,
  };
}

function comparePorts(a: string, b: string): number {
  return parseInt(a, 10) - parseInt(b, 10) || compareText(a, b);
}

/**
 * Pair each layer with the history entry that created it. History lists empty-layer steps (ENV, LABEL…)
 * too, so only entries without `empty_layer` count. When the counts disagree the pairing is unknowable
 * and every layer gets null, rather than a wrong command.
 */
export function historyForLayers(history: HistoryEntry[], layerCount: number): (HistoryEntry | null)[] {
  const producing = history.filter((h) => !h.emptyLayer);
  if (producing.length !== layerCount) return Array.from({ length: layerCount }, () => null);
  return producing;
}

/** Split `NAME=value` environment entries; a name without `=` has an empty value. */
export function splitEnv(env: string[]): { name: string; value: string }[] {
  return env.map((e) => {
    const i = e.indexOf('=');
    return i < 0 ? { name: e, value: '' } : { name: e.slice(0, i), value: e.slice(i + 1) };
  });
}
