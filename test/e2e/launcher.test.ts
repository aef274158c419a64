// The installed launcher: bin/sextant runs the built CLI on Node >= 22.15 even where the system Node is older.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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
});
