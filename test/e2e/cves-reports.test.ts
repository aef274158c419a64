// `sextant cves` end to end on a two-layer image built here (a base layer with lodash, an application layer with qs
// and a log4j-core jar), against advisories and CISA's KEV catalogue loaded by `db update` from a local feed server:
// KEV on findings and --only-cisa-kev, --ignore-base with --base, and the sarif, cyclonedx and markdown formats.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedServer } from '../support/feed-server.ts';
import { buildImage, buildTar, indexEntry, writeOciLayout } from '../support/image-builder.ts';
import { runCli } from '../support/cli.ts';

const osv = fileURLToPath(new URL('../../../shared/vectors/osv/', import.meta.url));
const kevFile = fileURLToPath(new URL('../../../shared/vectors/kev/known_exploited_vulnerabilities.json', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sextant-cves-reports-'));
const env = { SEXTANT_HOME: join(dir, 'home') };
let server: FeedServer;
let app: string;
let base: string;
let other: string;

const json = (v: unknown) => JSON.stringify(v);
const dump = (ecosystem: string) => zipSync(Object.fromEntries(readdirSync(join(osv, ecosystem)).map((n) => [n, readFileSync(join(osv, ecosystem, n))])));

beforeAll(async () => {
  server = await FeedServer.start();
  server.put('/npm/all.zip', dump('npm'));
  server.put('/Maven/all.zip', dump('Maven'));
  server.put('/kev.json', readFileSync(kevFile));

  const baseLayer = await buildTar([
    { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
    { name: 'opt/base/node_modules/lodash/package.json', content: json({ name: 'lodash', version: '4.17.15', license: 'MIT' }) },
  ]);
  const jar = Buffer.from(
    zipSync({ 'META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties': new TextEncoder().encode('groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n') }),
  );
  const appLayer = await buildTar([
    { name: 'app/package.json', content: json({ name: 'shop', version: '1.0.0', dependencies: { qs: '~6.5.0' } }) },
    { name: 'app/node_modules/qs/package.json', content: json({ name: 'qs', version: '6.5.2', license: 'BSD-3-Clause' }) },
    { name: 'app/lib/log4j-core-2.14.1.jar', content: jar },
  ]);
  const baseImage = buildImage({ layers: [{ tar: baseLayer }] });
  const appImage = buildImage({ layers: [{ tar: baseLayer }, { tar: appLayer }] });
  const otherImage = buildImage({ layers: [{ tar: appLayer }] });
  [base, app, other] = [join(dir, 'base'), join(dir, 'app'), join(dir, 'other')];
  await writeOciLayout(base, [indexEntry(baseImage)], baseImage.blobs);
  await writeOciLayout(app, [indexEntry(appImage)], appImage.blobs);
  await writeOciLayout(other, [indexEntry(otherImage)], otherImage.blobs);

  const update = await runCli(['db', 'update', '--source', server.url, '--ecosystem', 'npm,Maven', '--kev-url', `${server.url}/kev.json`, '--no-epss', '-q'], env);
  expect(update.stderr).toBe('');
  expect(update.code).toBe(0);
}, 120_000);
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Report {
  findings: { id: string; ids: string[]; packageName: string; kev: { cve: string; dateAdded: string } | null; layers: string[] }[];
}

const ids = (r: Report) => r.findings.map((f) => `${f.packageName} ${f.id}`).sort();

describe('sextant cves reports', () => {
  it('marks CVEs in CISA’s catalogue, and --only-cisa-kev keeps only those', async () => {
    const all = JSON.parse((await runCli(['cves', `oci-dir://${app}`, '--format', 'json', '-q'], env)).stdout) as Report;
    const log4shell = all.findings.find((f) => f.ids.includes('CVE-2021-44228'));
    expect(log4shell).toMatchObject({ packageName: 'org.apache.logging.log4j:log4j-core', kev: { cve: 'CVE-2021-44228', dateAdded: '2021-12-10' } });
    expect(all.findings.filter((f) => f.packageName === 'lodash').every((f) => f.kev === null)).toBe(true);
    const kev = JSON.parse((await runCli(['cves', `oci-dir://${app}`, '--format', 'json', '-q', '--only-cisa-kev'], env)).stdout) as Report;
    expect(kev.findings.length).toBeGreaterThan(0);
    expect(kev.findings.length).toBeLessThan(all.findings.length);
    expect(kev.findings.every((f) => f.kev !== null && f.packageName === 'org.apache.logging.log4j:log4j-core')).toBe(true);
    const table = await runCli(['cves', `oci-dir://${app}`, '-q'], env);
    expect(table.stdout).toMatch(/KEV/);
    const quick = JSON.parse((await runCli(['quickview', `oci-dir://${app}`, '--format', 'json', '-q'], env)).stdout) as { vulnerabilities: { knownExploited: number }; baseImage: string | null };
    expect(quick.vulnerabilities.knownExploited).toBe(kev.findings.length);
    expect(quick.baseImage).toBeNull();
  });

  it('leaves out what the base image’s layers brought with --ignore-base, and refuses an image that is not the base', async () => {
    const all = JSON.parse((await runCli(['cves', `oci-dir://${app}`, '--format', 'json', '-q'], env)).stdout) as Report;
    expect(ids(all)).toContain('lodash CVE-2020-8203');
    const r = await runCli(['cves', `oci-dir://${app}`, '--format', 'json', '-q', '--ignore-base', '--base', `oci-dir://${base}`], env);
    expect(r.code).toBe(0);
    const withoutBase = JSON.parse(r.stdout) as Report;
    expect(ids(withoutBase)).toEqual(ids(all).filter((id) => !id.startsWith('lodash ')));
    expect(r.stderr).toMatch(/^sextant: 3 vulnerabilities in the base image oci-dir:\/\/.* \(its 1 layers, from --base\) not shown \(--ignore-base\)$/m);

    const notBase = await runCli(['cves', `oci-dir://${app}`, '-q', '--ignore-base', '--base', `oci-dir://${other}`], env);
    expect(notBase.code).toBe(2);
    expect(notBase.stderr).toMatch(/^sextant: --ignore-base: oci-dir:\/\/.* is not the base of .*: its 1 layers are not the image's first layers\n$/);
    const unknown = await runCli(['cves', `oci-dir://${app}`, '-q', '--ignore-base'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^sextant: --ignore-base: no base image is known for .* \(no provenance attestation names one\); name it with --base IMAGE\n$/);
  });

  it('writes SARIF, CycloneDX with vulnerabilities pointing at components, and Markdown', async () => {
    const sarif = JSON.parse((await runCli(['cves', `oci-dir://${app}`, '--format', 'sarif', '-q'], env)).stdout) as {
      version: string;
      runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: { ruleId: string; level: string }[] }[];
    };
    const all = JSON.parse((await runCli(['cves', `oci-dir://${app}`, '--format', 'json', '-q'], env)).stdout) as Report;
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.tool.driver.name).toBe('sextant');
    expect(sarif.runs[0]?.results).toHaveLength(all.findings.length);
    expect(sarif.runs[0]?.results.find((r) => r.ruleId === 'CVE-2021-44228')?.level).toBe('error');

    const cdx = JSON.parse((await runCli(['cves', `oci-dir://${app}`, '--format', 'cyclonedx', '-q'], env)).stdout) as {
      specVersion: string;
      components: { 'bom-ref': string; purl?: string }[];
      vulnerabilities: { id: string; affects: { ref: string }[] }[];
    };
    expect(cdx.specVersion).toBe('1.6');
    const refs = new Map(cdx.components.map((c) => [c['bom-ref'], c.purl]));
    const log4shell = cdx.vulnerabilities.find((v) => v.id === 'CVE-2021-44228');
    expect(log4shell?.affects.map((a) => refs.get(a.ref))).toEqual(['pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1']);
    expect(cdx.vulnerabilities.every((v) => v.affects.every((a) => refs.has(a.ref)))).toBe(true);

    const md = (await runCli(['cves', `oci-dir://${app}`, '--format', 'markdown', '-q'], env)).stdout;
    expect(md).toMatch(/^#/);
    expect(md).toContain('CVE-2021-44228');
    expect(md).toMatch(/\| *Severity *\|/i);
  });
});
