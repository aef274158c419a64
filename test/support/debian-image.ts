// The real Debian bookworm image of the integration tests, built once per machine with
// ../shared/scripts/build-debian-image.sh (debootstrap), whichever test file asks first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../shared/scripts/build-debian-image.sh', import.meta.url));

/** Where the image is (or will be): oci/, image.tar and rootfs/. */
export const debianImageDir = process.env.SEXTANT_DEBIAN_IMAGE_DIR ?? join(tmpdir(), 'sextant-debian-bookworm');

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** Why the image cannot be had here (also requiring `tools` for the test itself), or null when it can. */
export function debianImageUnavailable(tools: string[] = []): string | null {
  const missing = tools.filter((t) => !has(t));
  if (missing.length) return `${missing.join(', ')} missing`;
  if (existsSync(join(debianImageDir, '.done'))) return null;
  if (!existsSync(script)) return `${script} is missing`;
  if (process.getuid?.() !== 0) return 'building needs root (debootstrap)';
  const buildTools = ['debootstrap', 'umoci', 'skopeo'].filter((t) => !has(t));
  if (buildTools.length && !has('apt-get')) return `missing ${buildTools.join(', ')} and no apt-get to install them`;
  return null;
}

/**
 * Build the image unless it exists. Test files run in parallel, so a lock directory makes the others wait
 * for the first build rather than start their own into the same folder.
 */
export function buildDebianImage(): void {
  const lock = `${debianImageDir}.lock`;
  const deadline = Date.now() + 900_000;
  while (!existsSync(join(debianImageDir, '.done'))) {
    try {
      mkdirSync(lock);
    } catch {
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${lock}`);
      spawnSync('sleep', ['2']);
      continue;
    }
    try {
      const r = spawnSync('bash', [script, debianImageDir], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 900_000 });
      if (r.status !== 0) throw new Error(`build-debian-image.sh failed with status ${r.status}`);
    } finally {
      rmdirSync(lock);
    }
  }
}
