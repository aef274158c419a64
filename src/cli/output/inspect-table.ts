// The people-facing rendering of `inspect`: sections of aligned key/value rows and a layer table.
import Table from 'cli-table3';
import pc from 'picocolors';
import type { ImageMetadata } from '../../core/model.ts';

/** Render metadata as text for a terminal. */
export function renderInspectTable(m: ImageMetadata): string {
  const out: string[] = [];
  const section = (title: string, rows: [string, string | null | undefined][]) => {
    const shown = rows.filter(([, v]) => v !== null && v !== undefined && v !== '');
    if (shown.length === 0) return;
    out.push(pc.bold(title));
    const width = Math.max(...shown.map(([k]) => k.length));
    for (const [k, v] of shown) out.push(`  ${pc.dim(k.padEnd(width))}  ${v}`);
    out.push('');
  };
  const platform = m.os ? `${m.os}/${m.architecture ?? '?'}${m.variant ? `/${m.variant}` : ''}` : null;
  section('Image', [
    ['reference', m.reference],
    ['id', m.id],
    ['digest', m.digest],
    ['index digest', m.indexDigest],
    ['created', m.created],
    ['platform', platform],
    ['os', m.osRelease ? m.osRelease.prettyName ?? [m.osRelease.id, m.osRelease.versionId].filter(Boolean).join(' ') : null],
    ['size', m.layers.length ? `${formatBytes(m.size)} in ${m.layers.length} layer${m.layers.length === 1 ? '' : 's'}` : null],
  ]);
  if (m.registry) {
    section('Registry', [
      ['url', m.registry.url],
      ['type', m.registry.type],
      ['repository', m.registry.repository],
      ['tag', m.registry.tag],
    ]);
  }
  section('Config', [
    ['user', m.user],
    ['entrypoint', m.entrypoint ? JSON.stringify(m.entrypoint) : null],
    ['cmd', m.cmd ? JSON.stringify(m.cmd) : null],
    ['working dir', m.workingDir],
    ['ports', m.ports.join(', ')],
    ['stop signal', m.stopSignal],
  ]);
  section('Environment', m.env.map((e) => [e.name, e.value]));
  section('Labels', Object.entries(m.labels));
  if (m.layers.length) {
    out.push(pc.bold('Layers'));
    const table = new Table({ head: ['#', 'digest', 'size', 'files +/~/-', 'created by'], style: { head: [], border: [] }, wordWrap: true, colWidths: [4, 21, 10, 18, 50] });
    const changes = (c: (typeof m.layers)[number]['changes']) => (c ? `+${c.added} ~${c.changed} -${c.removed}` : '');
    m.layers.forEach((l, i) => table.push([String(i), l.digest.slice(0, 19), formatBytes(l.size), changes(l.changes), l.createdBy ?? '']));
    out.push(table.toString(), '');
  }
  if (m.provenance) {
    const p = m.provenance;
    section('Provenance', [
      ['base image', p.baseImage],
      ['source', p.vcs.source],
      ['revision', p.vcs.revision],
      ['dockerfile', p.dockerfilePath ?? (p.dockerfile ? 'Dockerfile' : null)],
      ['builder', p.builderId],
      ['materials', p.materials.length ? String(p.materials.length) : null],
    ]);
  }
  if (m.sbomAttestations.length) section('Attestations', [['SBOM statements', String(m.sbomAttestations.length)]]);
  return `${out.join('\n')}\n`;
}

/** Bytes as B, kB, MB or GB (SI, as registries show them). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}
