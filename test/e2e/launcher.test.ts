// The installed launcher: bin/sextant runs the built CLI on Node >= 22.15 even where the system Node is older.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildImage, buildTar, indexEntry, writeOciLayout } from '../support/image-builder.ts';
import { runCli } from '../support/cli.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('bin/sextant', () => {
  it('prints the version from package.json and help listing inspect', () => {
    const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string };
    // PATH without node_modules/.bin: whatever `node` the system has, the launcher must find a new enough one.
    const env = { ...process.env, PATH: '/usr/local/bin:/usr/bin:/bin' };
    const version = spawnSync(`${root}/bin/sextant`, ['--version'], { encoding: 'utf8', env });
    expect(version.stderr).toBe('');
    expect(version.stdout.trim()).toBe(pkg.version);
    const help = spawnSync(`${root}/bin/sextant`, ['--help'], { encoding: 'utf8', env });
    expect(help.stdout).toMatch(/inspect \[options\] <image>/);
  });

  it('turns a usage error into exit code 2', () => {
    const r = spawnSync(`${root}/bin/sextant`, ['inspect'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/missing required argument/);
  });

  it('finds, from the bundle, the analysis the CLI run from source cached (the built-in cataloger signature is the same)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sextant-launcher-'));
    try {
      const tar = await buildTar([{ name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' }, { name: 'app/package.json', content: '{"name":"app","version":"1.0.0"}' }]);
      const image = buildImage({ layers: [{ tar }] });
      const layout = join(dir, 'layout');
      await writeOciLayout(layout, [indexEntry(image)], image.blobs);
      const home = join(dir, 'home');
      const fromSource = await runCli(['sbom', `oci-dir://${layout}`, '--format', 'json'], { SEXTANT_HOME: home });
      expect(fromSource.code).toBe(0);
      const env = { ...process.env, SEXTANT_HOME: home };
      const bundled = spawnSync(`${root}/bin/sextant`, ['sbom', `oci-dir://${layout}`, '--format', 'json'], { encoding: 'utf8', env });
      expect(bundled.status).toBe(0);
      expect(JSON.parse(bundled.stdout).packages).toEqual(JSON.parse(fromSource.stdout).packages);
      const df = spawnSync(`${root}/bin/sextant`, ['cache', 'df', '--format', 'json'], { encoding: 'utf8', env });
      // One image analysis: the bundle's key matched the source's, so it answered from the cache and stored nothing new.
      expect(JSON.parse(df.stdout)).toMatchObject({ images: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
