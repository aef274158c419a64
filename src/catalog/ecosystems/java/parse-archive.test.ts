// Tests of the Java archive parser on real zips built in memory: plain, shaded, manifest-only, nested, hostile.
import { createHash } from 'node:crypto';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Package } from '../../../core/package.ts';
import { parseJavaArchive } from './parse-archive.ts';
import { buildZip, ctxAt, manifest, mavenEntries } from './test-jars.ts';
import { readZip } from './zip.ts';

const sha1 = (b: Uint8Array): string => createHash('sha1').update(b).digest('hex');

const LANG3_POM = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <parent><groupId>org.apache.commons</groupId><artifactId>commons-parent</artifactId><version>52</version></parent>
  <artifactId>commons-lang3</artifactId>
  <version>3.12.0</version>
  <name>Apache Commons Lang</name>
  <description>
    Apache Commons Lang, a package of Java utility classes.
  </description>
  <url>https://commons.apache.org/proper/commons-lang/</url>
  <licenses><license><name>Apache License, Version 2.0</name><url>https://www.apache.org/licenses/LICENSE-2.0.txt</url></license></licenses>
  <developers><developer><id>bayard</id><name>Henri Yandell</name><email>bayard@apache.org</email></developer></developers>
</project>`;

function byPurl(pkgs: Package[], purl: string): Package {
  const p = pkgs.find((x) => x.purl === purl);
  if (!p) throw new Error(`no ${purl} in ${pkgs.map((x) => x.purl).join(', ')}`);
  return p;
}

describe('parseJavaArchive', () => {
  it('names a jar by its pom.properties and describes it from the pom.xml beside it', () => {
    const jar = buildZip({
      'META-INF/MANIFEST.MF': manifest({ 'Implementation-Title': 'Apache Commons Lang', 'Implementation-Version': '3.12.0', 'Bundle-SymbolicName': 'org.apache.commons.lang3' }),
      ...mavenEntries('org.apache.commons', 'commons-lang3', '3.12.0', LANG3_POM),
      'org/apache/commons/lang3/StringUtils.class': new Uint8Array([0xca, 0xfe, 0xba, 0xbe]),
    });
    const [p, ...rest] = parseJavaArchive(jar, ctxAt('/usr/share/java/commons-lang3-3.12.0.jar'));
    expect(rest).toEqual([]);
    expect(p).toMatchObject({
      type: 'maven',
      namespace: 'org.apache.commons',
      name: 'commons-lang3',
      version: '3.12.0',
      purl: 'pkg:maven/org.apache.commons/commons-lang3@3.12.0',
      description: 'Apache Commons Lang, a package of Java utility classes.',
      licenses: 'Apache-2.0',
      authors: ['Henri Yandell <bayard@apache.org>'],
      size: jar.length,
      direct: null,
      locations: [{ path: '/usr/share/java/commons-lang3-3.12.0.jar', layerDigest: 'sha256:layer' }],
      foundBy: 'java-archive@1',
    });
    expect(p?.metadata).toMatchObject({
      sha1: sha1(jar),
      virtualPath: '/usr/share/java/commons-lang3-3.12.0.jar',
      archiveKind: 'jar',
      pomProject: { name: 'Apache Commons Lang', parent: { groupId: 'org.apache.commons', artifactId: 'commons-parent', version: '52' } },
      manifest: { 'Bundle-SymbolicName': 'org.apache.commons.lang3' },
    });
    expect(p?.metadata['sha1']).toMatch(/^[0-9a-f]{40}$/);
  });

  it('reports shaded dependencies as transitive packages of the archive that embeds them', () => {
    const jar = buildZip({
      ...mavenEntries('com.google.guava', 'guava', '32.1.2-jre'),
      ...mavenEntries('com.example', 'myapp', '1.4.0'),
      ...mavenEntries('org.slf4j', 'slf4j-api', '2.0.9'),
    });
    const pkgs = parseJavaArchive(jar, ctxAt('/app/myapp-1.4.0-all.jar'));
    expect(pkgs.map((p) => p.purl)).toEqual([
      'pkg:maven/com.example/myapp@1.4.0',
      'pkg:maven/com.google.guava/guava@32.1.2-jre',
      'pkg:maven/org.slf4j/slf4j-api@2.0.9',
    ]);
    const app = byPurl(pkgs, 'pkg:maven/com.example/myapp@1.4.0');
    expect(app.direct).toBeNull();
    expect(app.dependsOn).toEqual(['com.google.guava/guava', 'org.slf4j/slf4j-api']);
    expect(app.metadata['sha1']).toBe(sha1(jar));
    const guava = byPurl(pkgs, 'pkg:maven/com.google.guava/guava@32.1.2-jre');
    expect(guava.direct).toBe(false);
    expect(guava.metadata).toMatchObject({ shadedIn: '/app/myapp-1.4.0-all.jar' });
    expect(guava.metadata['sha1']).toBeUndefined();
    expect(guava.locations).toEqual([{ path: '/app/myapp-1.4.0-all.jar', layerDigest: 'sha256:layer' }]);
  });

  it('prefers the longest artifactId the file name spells', () => {
    const jar = buildZip({ ...mavenEntries('org.example', 'foo', '1.0'), ...mavenEntries('org.example', 'foo-core', '1.0') });
    const pkgs = parseJavaArchive(jar, ctxAt('/lib/foo-core-1.0.jar'));
    expect(pkgs[0]?.purl).toBe('pkg:maven/org.example/foo-core@1.0');
    expect(pkgs[1]).toMatchObject({ name: 'foo', direct: false });
  });

  it('falls back to MANIFEST.MF (with continuation lines) and guesses the groupId only from reliable attributes', () => {
    const mf = [
      'Manifest-Version: 1.0',
      'Bundle-SymbolicName: org.example.widget;singleton:=true',
      'Bundle-Version: 2.1.0.v20240101',
      'Implementation-Title: Widget',
      'Implementation-Version: 2.1',
      'Bundle-License: https://www.apache.org/licenses/LICENSE-2.0.txt;description="Apache Lic',
      ' ense"',
      '',
      'Name: org/example/widget/',
      'Implementation-Version: 9.9',
      '',
    ].join('\n');
    const [p] = parseJavaArchive(buildZip({ 'META-INF/MANIFEST.MF': mf }), ctxAt('/opt/widget.jar'));
    expect(p).toMatchObject({ namespace: 'org.example', name: 'widget', version: '2.1', purl: 'pkg:maven/org.example/widget@2.1', licenses: 'Apache-2.0' });
    expect(p?.metadata).toMatchObject({ identifiedBy: 'manifest', groupIdFrom: 'manifest Bundle-SymbolicName' });

    const vendor = parseJavaArchive(
      buildZip({ 'META-INF/MANIFEST.MF': manifest({ 'Implementation-Version': '1.5', 'Implementation-Vendor-Id': 'com.acme' }) }),
      ctxAt('/opt/gadget.jar'),
    );
    expect(vendor[0]?.purl).toBe('pkg:maven/com.acme/gadget@1.5');

    // A Jenkins plugin as Jenkins stores it: no version in the file name.
    const plugin = parseJavaArchive(
      buildZip({ 'META-INF/MANIFEST.MF': manifest({ 'Short-Name': 'git', 'Plugin-Version': '5.2.1', 'Group-Id': 'org.jenkins-ci.plugins' }) }),
      ctxAt('/var/jenkins_home/plugins/git.jpi'),
    );
    expect(plugin[0]).toMatchObject({ purl: 'pkg:maven/org.jenkins-ci.plugins/git@5.2.1', metadata: { archiveKind: 'jpi' } });
  });

  it('leaves the groupId unknown rather than guessing, and says so', () => {
    const jar = buildZip({ 'META-INF/MANIFEST.MF': manifest({ 'Implementation-Title': 'Thing', 'Bundle-SymbolicName': 'org.other.unrelated' }) });
    const [p] = parseJavaArchive(jar, ctxAt('/opt/thing-0.9.1.jar'));
    expect(p).toMatchObject({ namespace: null, name: 'thing', version: '0.9.1', purl: 'pkg:maven/thing@0.9.1' });
    expect(p?.metadata).toMatchObject({ identifiedBy: 'file-name', groupIdUnknown: true });
    // With no version anywhere there is no package to report.
    expect(parseJavaArchive(buildZip({ 'a.txt': 'x' }), ctxAt('/opt/app.jar'))).toEqual([]);
  });

  it('opens nested archives in a war with their own SHA-1 and virtual path', () => {
    const a = buildZip({ ...mavenEntries('org.example', 'alpha', '1.0.0') });
    const b = buildZip({ 'README': 'no metadata at all' });
    const war = buildZip({
      ...mavenEntries('com.example', 'shop', '3.0'),
      'WEB-INF/web.xml': '<web-app/>',
      'WEB-INF/lib/alpha-1.0.0.jar': a,
      'WEB-INF/lib/beta-2.5.jar': b,
    });
    const pkgs = parseJavaArchive(war, ctxAt('/srv/shop.war'));
    expect(pkgs.map((p) => p.purl)).toEqual(['pkg:maven/com.example/shop@3.0', 'pkg:maven/org.example/alpha@1.0.0', 'pkg:maven/beta@2.5']);
    const shop = byPurl(pkgs, 'pkg:maven/com.example/shop@3.0');
    expect(shop.metadata).toMatchObject({ archiveKind: 'war', virtualPath: '/srv/shop.war', sha1: sha1(war) });
    expect(shop.dependsOn).toEqual(['org.example/alpha', 'beta']);
    const alpha = byPurl(pkgs, 'pkg:maven/org.example/alpha@1.0.0');
    expect(alpha.metadata).toMatchObject({ virtualPath: '/srv/shop.war!/WEB-INF/lib/alpha-1.0.0.jar', sha1: sha1(a) });
    expect(alpha.size).toBe(a.length);
    expect(alpha.locations).toEqual([{ path: '/srv/shop.war', layerDigest: 'sha256:layer' }]);
    expect(byPurl(pkgs, 'pkg:maven/beta@2.5').metadata).toMatchObject({ sha1: sha1(b), identifiedBy: 'file-name' });
  });

  it('reads stored BOOT-INF/lib jars of a Spring Boot fat jar and jars inside a war inside an ear', () => {
    const lib = buildZip(mavenEntries('org.yaml', 'snakeyaml', '2.2'));
    const boot = buildZip({
      'META-INF/MANIFEST.MF': manifest({ 'Main-Class': 'org.springframework.boot.loader.launch.JarLauncher', 'Start-Class': 'com.example.DemoApplication', 'Spring-Boot-Version': '3.2.0' }),
      ...mavenEntries('com.example', 'demo', '0.0.1-SNAPSHOT'),
      'BOOT-INF/lib/snakeyaml-2.2.jar': [lib, 0],
    });
    const pkgs = parseJavaArchive(boot, ctxAt('/app.jar'));
    expect(pkgs.map((p) => p.purl)).toEqual(['pkg:maven/com.example/demo@0.0.1-SNAPSHOT', 'pkg:maven/org.yaml/snakeyaml@2.2']);
    expect(pkgs[0]?.metadata['manifest']).toMatchObject({ 'Start-Class': 'com.example.DemoApplication', 'Spring-Boot-Version': '3.2.0' });
    expect(pkgs[1]?.metadata).toMatchObject({ virtualPath: '/app.jar!/BOOT-INF/lib/snakeyaml-2.2.jar', sha1: sha1(lib) });

    const ear = buildZip({ ...mavenEntries('com.example', 'suite', '7'), 'web.war': buildZip({ 'WEB-INF/lib/snakeyaml-2.2.jar': lib }) });
    const inEar = parseJavaArchive(ear, ctxAt('/deploy/suite-7.ear'));
    expect(inEar.map((p) => [p.purl, p.metadata['virtualPath']])).toEqual([
      ['pkg:maven/com.example/suite@7', '/deploy/suite-7.ear'],
      ['pkg:maven/org.yaml/snakeyaml@2.2', '/deploy/suite-7.ear!/web.war!/WEB-INF/lib/snakeyaml-2.2.jar'],
    ]);
  });

  it('stops at the nesting depth limit with a one-line skip', () => {
    let inner = buildZip(mavenEntries('org.example', 'deep', '1'));
    for (let level = 3; level >= 1; level--) inner = buildZip({ ...mavenEntries('org.example', `level${level}`, '1'), [`lib/level${level + 1}.jar`]: inner });
    const all = parseJavaArchive(inner, ctxAt('/level1.jar'));
    expect(all.map((p) => p.name)).toEqual(['level1', 'level2', 'level3', 'deep']);
    const limited = parseJavaArchive(inner, ctxAt('/level1.jar'), { maxDepth: 1 });
    expect(limited.map((p) => p.name)).toEqual(['level1', 'level2']);
    expect(limited[1]?.metadata['skipped']).toEqual([
      'LIMIT_EXCEEDED: /level1.jar!/lib/level2.jar: 1 archive(s) nested deeper than 1 levels not opened',
    ]);
  });

  it('refuses a nested decompression bomb and archives over the byte budget, keeping the rest', () => {
    // 16 MiB of zeros deflates to about 16 KiB: a ratio no real jar has.
    const bomb = new Uint8Array(16 * 2 ** 20);
    const war = buildZip({
      ...mavenEntries('com.example', 'victim', '1.0'),
      'WEB-INF/lib/bomb-1.0.jar': bomb,
      'WEB-INF/lib/ok-1.0.jar': buildZip(mavenEntries('org.example', 'ok', '1.0')),
    });
    expect(war.length).toBeLessThan(2 ** 20);
    const pkgs = parseJavaArchive(war, ctxAt('/victim.war'));
    expect(pkgs.map((p) => p.name)).toEqual(['victim', 'ok']);
    const skipped = pkgs[0]?.metadata['skipped'] as string[];
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatch(/^LIMIT_EXCEEDED: \/victim\.war!\/WEB-INF\/lib\/bomb-1\.0\.jar: declares 16777216 bytes .*decompression bomb/);

    // A budget too small for the nested jar: the outer archive is still reported, the nested one skipped.
    const small = parseJavaArchive(war, ctxAt('/victim.war'), { maxTreeBytes: 300 });
    expect(small.map((p) => p.name)).toEqual(['victim']);
    expect((small[0]?.metadata['skipped'] as string[]).some((s) => s.includes('ok-1.0.jar') && s.startsWith('LIMIT_EXCEEDED'))).toBe(true);
  });

  it('yields nothing for a corrupt archive and records a corrupt nested one in its parent', () => {
    expect(parseJavaArchive(Buffer.from('not a zip at all, just text'), ctxAt('/bad-1.0.jar'))).toEqual([]);
    const good = buildZip(mavenEntries('org.example', 'good', '1.0'));
    expect(parseJavaArchive(good.subarray(0, good.length - 30), ctxAt('/truncated-1.0.jar'))).toEqual([]);
    expect(parseJavaArchive(Buffer.alloc(0), ctxAt('/empty.jar'))).toEqual([]);

    const war = buildZip({ ...mavenEntries('com.example', 'host', '2'), 'WEB-INF/lib/broken-1.0.jar': new TextEncoder().encode('PK garbage') });
    const pkgs = parseJavaArchive(war, ctxAt('/host.war'));
    expect(pkgs.map((p) => p.name)).toEqual(['host']);
    expect(pkgs[0]?.metadata['skipped']).toEqual([expect.stringMatching(/^CORRUPT: \/host\.war!\/WEB-INF\/lib\/broken-1\.0\.jar: not a readable zip/)]);
  });

  it('survives a deflate stream that is damaged inside an otherwise valid zip', () => {
    const props = 'groupId=org.example\nartifactId=dmg\nversion=1.0\n'.repeat(50);
    const zip = zipSync({ 'META-INF/maven/org.example/dmg/pom.properties': new TextEncoder().encode(props), 'META-INF/MANIFEST.MF': new TextEncoder().encode(manifest({ 'Implementation-Version': '1.0' })) });
    // Overwrite the start of the first entry's compressed data (after its 30-byte local header and name).
    const nameLen = zip[26] as number;
    zip.fill(0xff, 30 + nameLen, 30 + nameLen + 8);
    const pkgs = parseJavaArchive(Buffer.from(zip), ctxAt('/opt/dmg-1.0.jar'));
    // The damaged pom.properties is skipped with a reason; the manifest still names the archive.
    expect(pkgs.map((p) => p.name)).toEqual(['dmg']);
    expect(pkgs[0]?.metadata).toMatchObject({
      identifiedBy: 'manifest',
      skipped: [expect.stringMatching(/^CORRUPT: \/opt\/dmg-1\.0\.jar!\/META-INF\/maven\/org\.example\/dmg\/pom\.properties: /)],
    });
  });

  it('refuses a central directory that claims more entries than the file can hold', () => {
    // An end-of-central-directory record alone, claiming 65535 entries in a 22-byte file.
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(0xffff, 8);
    eocd.writeUInt16LE(0xffff, 10);
    expect(() => readZip(eocd, () => true, { remainingBytes: 1e9 }, '/lying-1.0.jar')).toThrow(
      expect.objectContaining({ code: 'LIMIT_EXCEEDED', message: '/lying-1.0.jar: more than 1 zip entries' }),
    );
    expect(parseJavaArchive(eocd, ctxAt('/lying-1.0.jar'))).toEqual([]);
  });
});
