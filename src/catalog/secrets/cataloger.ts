// Secret scanning as an inspecting pseudo-cataloger: the layer walk streams text files through the secret
// inspector, and the findings come back per file of the squashed view, with the layer that wrote it.
import type { SecretFinding } from '../../core/secret.ts';
import type { Cataloger, Inspection } from '../cataloger.ts';
import type { FileSecret } from './inspector.ts';
import { secretInspector } from './inspector.ts';

/** Name under which the secret inspector's results are kept (CatalogEnv.inspections). */
export const SECRETS_CATALOGER = 'secrets';

/** A cataloger that finds no packages: it only lends the secret inspector to the walk. */
export const secretsCataloger = {
  name: SECRETS_CATALOGER,
  version: 1,
  globs: [],
  inspect: secretInspector,
  catalog: () => Promise.resolve([]),
} satisfies Cataloger;

/** The findings of the secret inspector's results, in path order, each located by path and layer diffID. */
export function fileFindings(inspections: readonly Inspection[]): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const { path, layerDigest, result } of [...inspections].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    for (const f of result as FileSecret[]) {
      out.push({ rule: f.rule, severity: f.severity, title: f.title, location: { path, layer: layerDigest }, line: f.line, preview: f.preview });
    }
  }
  return out;
}
