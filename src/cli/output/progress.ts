// Layer progress on stderr: one bar over all layers' stored bytes, shown only on a terminal.
import type { LayerProgress } from '../../analyze/walk-image.ts';

/** A progress reporter for layer walks; silent unless stderr is a TTY (and not disabled with --quiet). */
export interface WalkProgress {
  /** False when nothing is drawn: callers then need not report progress at all (it costs a listener per chunk). */
  readonly active: boolean;
  onLayers(layers: { size: number }[]): void;
  onProgress(p: LayerProgress): void;
  stop(): void;
}

/** Make a reporter for `label`; the bar library is loaded only when a bar will be drawn. */
export async function walkProgress(label: string, enabled: boolean): Promise<WalkProgress> {
  if (!enabled || !process.stderr.isTTY) return { active: false, onLayers() {}, onProgress() {}, stop() {} };
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total} MB | {layers} layers`,
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const perLayer = new Map<number, number>();
  const finished = new Set<number>();
  let layerCount = 0;
  let started = false;
  const mb = (n: number) => Math.round(n / 1e5) / 10;
  return {
    active: true,
    onLayers(layers) {
      const total = layers.reduce((n, l) => n + l.size, 0);
      layerCount = layers.length;
      bar.start(mb(total), 0, { layers: `0/${layerCount}` });
      started = true;
    },
    onProgress(p) {
      if (!started) return;
      perLayer.set(p.index, p.done ? p.total : p.bytes);
      if (p.done) finished.add(p.index);
      const bytes = [...perLayer.values()].reduce((a, b) => a + b, 0);
      bar.update(mb(bytes), { layers: `${finished.size}/${layerCount}` });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
