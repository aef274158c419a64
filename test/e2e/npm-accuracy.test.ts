// Accuracy: the npm packages Sextant finds in an installed app equal what `npm ls --all --json` reports for it.
// The app is this project's own production dependency tree, copied from node_modules, so no network is needed.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sbom } from '../../src/core/sbom.ts';
import { runCli } from '../support/cli.ts';

const project = fileURLToPath(new URL('../..', import.meta.url));
let root: string;

interface NpmLsNode {
  version?: string;
  extraneous?: boolean;
  dependencies?: Record<string, NpmLsNode>;
}

/** name@version of every package in an `npm ls --all --json` tree. */
function flatten(deps: Record<string, NpmLsNode> | undefined, out = new Set<string>()): Set<string> {
  for (const [name, node] of Object.entries(deps ?? {})) {
    if (node.version) out.add(`${name}@${node.version}`);
    flatten(node.dependencies, out);
  }
  return out;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sextant-npm-accuracy-'));
  const app = join(root, 'srv/app');
  await mkdir(app, { recursive: true });
  const pkg = JSON.parse(await readFile(join(project, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'accuracy-app', version: '1.0.0', dependencies: pkg.dependencies }, null, 2));
  const paths = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: project, encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter((p) => p !== project.replace(/\/$/, ''));
  for (const p of paths) await cp(p, join(app, relative(project, p)), { recursive: true, dereference: false });
}, 60_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('npm accuracy against npm ls', () => {
  it('finds exactly the packages npm ls reports, and marks the direct ones', async () => {
    const ls = JSON.parse(execFileSync('npm', ['ls', '--all', '--json'], { cwd: join(root, 'srv/app'), encoding: 'utf8' })) as NpmLsNode;
    const truth = flatten(ls.dependencies);
    expect(truth.size).toBeGreaterThan(10);
    const r = await runCli(['sbom', `fs://${root}`, '--format', 'json']);
    expect(r.stderr).toBe('');
    const sbom = JSON.parse(r.stdout) as Sbom;
    const npm = sbom.packages.filter((p) => p.type === 'npm' && p.name !== 'accuracy-app');
    const found = new Set(npm.map((p) => `${p.namespace ? `${p.namespace}/` : ''}${p.name}@${p.version}`));
    expect([...found].sort()).toEqual([...truth].sort());
    // Direct means the copy the app's package.json resolves to: top-level name@version, not nested copies, and
    // not the extraneous packages npm ls also lists at the top (installed, but asked for by nothing).
    const direct = new Set(Object.entries(ls.dependencies ?? {}).filter(([, node]) => !node.extraneous).map(([name, node]) => `${name}@${node.version}`));
    for (const p of npm) {
      const id = `${p.namespace ? `${p.namespace}/` : ''}${p.name}@${p.version}`;
      expect([id, p.direct]).toEqual([id, direct.has(id)]);
    }
  }, 60_000);
});
