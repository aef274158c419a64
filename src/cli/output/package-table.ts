// The people-facing package list of `sbom --format list`: one row per package, and a count per type.
import Table from 'cli-table3';
import pc from 'picocolors';
import type { Sbom } from '../../core/sbom.ts';

/** Render an SBOM's packages as a table. */
export function renderPackageTable(sbom: Sbom): string {
  const table = new Table({ head: ['type', 'name', 'version', 'licence', 'layer', 'path'], style: { head: [], border: [] } });
  const layerIndex = new Map(sbom.image.layers.map((l, i) => [l.diffId, String(i)]));
  for (const p of sbom.packages) {
    const loc = p.locations[0];
    const name = p.namespace && !['deb', 'apk', 'rpm'].includes(p.type) ? `${p.namespace}/${p.name}` : p.name;
    table.push([p.type, name, p.version, clip(p.licenses, 40), loc?.layerDigest ? (layerIndex.get(loc.layerDigest) ?? '') : '', loc?.path ?? '']);
  }
  const counts = new Map<string, number>();
  for (const p of sbom.packages) counts.set(p.type, (counts.get(p.type) ?? 0) + 1);
  const summary = [...counts].map(([t, n]) => `${n} ${t}`).join(', ');
  const distro = sbom.distro?.prettyName ?? sbom.distro?.id ?? null;
  return `${table.toString()}\n${pc.bold(`${sbom.packageCount} packages`)}${summary ? ` (${summary})` : ''}${distro ? ` on ${distro}` : ''}\n`;
}

/** Long licence expressions (Debian's copyright files list dozens) are cut for the table; JSON keeps them whole. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
