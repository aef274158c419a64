// End-to-end tests of the Java catalogers through a real root filesystem resolver, including a jar made by the JDK's `jar`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRootfs } from '../../../layerfs/rootfs-resolver.ts';
import { gradleLockfileCataloger, javaArchiveCataloger } from './cataloger.ts';
import { buildZip, manifest, mavenEntries } from './test-jars.ts';

let root: string;
let war: Buffer;
let lib: Buffer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sextant-java-'));
  await mkdir(join(root, 'srv/webapps'), { recursive: true });
  await mkdir(join(root, 'usr/share/java'), { recursive: true });
  await mkdir(join(root, 'app'), { recursive: true });
  lib = buildZip(mavenEntries('org.yaml', 'snakeyaml', '2.2'));
  war = buildZip({ ...mavenEntries('com.example', 'shop', '3.0'), 'WEB-INF/lib/snakeyaml-2.2.jar': lib });
  await writeFile(join(root, 'srv/webapps/shop.war'), war);
  await writeFile(join(root, 'usr/share/java/widget-1.2.jar'), buildZip({ 'META-INF/MANIFEST.MF': manifest({ 'Implementation-Version': '1.2', 'Implementation-Vendor-Id': 'org.widgets' }) }));
  await writeFile(join(root, 'app.jar'), buildZip(mavenEntries('com.example', 'root-app', '1')));
  await writeFile(join(root, 'app/gradle.lockfile'), 'com.google.guava:guava:33.0.0-jre=runtimeClasspath\nempty=\n');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const env = async () => ({ resolver: await openRootfs(root), distro: null, layerDigest: () => null });

describe('java catalogers', () => {
  it('asks the walk to keep archives up to 128 MiB', () => {
    expect(javaArchiveCataloger.maxFileBytes).toBe(128 * 2 ** 20);
    expect(javaArchiveCataloger.globs).toEqual(['**/*.{jar,war,ear,jpi,hpi,par,sar,nar,kar}']);
  });

  it('catalogs archives, nested ones included, with the outer file as location', async () => {
    const got = await javaArchiveCataloger.catalog(await env());
    expect(got.map((p) => [p.purl, p.locations[0]?.path, p.metadata['virtualPath'], p.foundBy])).toEqual([
      ['pkg:maven/com.example/root-app@1', '/app.jar', '/app.jar', 'java-archive@1'],
      ['pkg:maven/com.example/shop@3.0', '/srv/webapps/shop.war', '/srv/webapps/shop.war', 'java-archive@1'],
      ['pkg:maven/org.yaml/snakeyaml@2.2', '/srv/webapps/shop.war', '/srv/webapps/shop.war!/WEB-INF/lib/snakeyaml-2.2.jar', 'java-archive@1'],
      ['pkg:maven/org.widgets/widget@1.2', '/usr/share/java/widget-1.2.jar', '/usr/share/java/widget-1.2.jar', 'java-archive@1'],
    ]);
    expect(got[1]?.metadata['sha1']).toBe(createHash('sha1').update(war).digest('hex'));
    expect(got[2]?.metadata['sha1']).toBe(createHash('sha1').update(lib).digest('hex'));
    expect(got.every((p) => p.locations.length === 1 && p.locations[0]?.layerDigest === null)).toBe(true);
  });

  it('catalogs gradle.lockfile', async () => {
    const got = await gradleLockfileCataloger.catalog(await env());
    expect(got.map((p) => [p.purl, p.locations[0]?.path])).toEqual([['pkg:maven/com.google.guava/guava@33.0.0-jre', '/app/gradle.lockfile']]);
  });

  // A jar written by the JDK's own tool, when one is installed (skipped, and so reported by vitest, otherwise).
  const hasJar = spawnSync('jar', ['--version'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!hasJar)('reads a jar made by the JDK jar tool', async () => {
    const work = await mkdtemp(join(tmpdir(), 'sextant-jdk-jar-'));
    try {
      const meta = join(work, 'classes/META-INF/maven/io.example/jdk-built');
      await mkdir(meta, { recursive: true });
      for (const [name, body] of Object.entries(mavenEntries('io.example', 'jdk-built', '4.5.6'))) {
        await writeFile(join(work, 'classes', name), body as string);
      }
      await writeFile(join(work, 'manifest.txt'), 'Implementation-Title: jdk-built\nImplementation-Version: 4.5.6\n');
      const jarPath = join(root, 'usr/share/java/jdk-built-4.5.6.jar');
      const res = spawnSync('jar', ['--create', '--file', jarPath, '--manifest', join(work, 'manifest.txt'), '-C', join(work, 'classes'), '.'], { encoding: 'utf8' });
      expect(res.status, res.stderr).toBe(0);
      const got = (await javaArchiveCataloger.catalog(await env())).find((p) => p.name === 'jdk-built');
      expect(got).toMatchObject({ purl: 'pkg:maven/io.example/jdk-built@4.5.6', locations: [{ path: '/usr/share/java/jdk-built-4.5.6.jar', layerDigest: null }] });
      expect(got?.metadata['manifest']).toMatchObject({ 'Implementation-Version': '4.5.6', 'Created-By': expect.any(String) });
      expect(got?.metadata['sha1']).toBe(createHash('sha1').update(await readFile(jarPath)).digest('hex'));
    } finally {
      await rm(work, { recursive: true, force: true });
      await rm(join(root, 'usr/share/java/jdk-built-4.5.6.jar'), { force: true });
    }
  });
});
