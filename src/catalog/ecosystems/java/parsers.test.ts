// Tests of the small Java format readers: MANIFEST.MF, pom.properties, pom.xml, file names, groupId guesses, Gradle locks.
import { describe, expect, it } from 'vitest';
import { guessGroupId, mavenPurl, nameFromFileName } from './java-package.ts';
import { parseGradleLockfile } from './parse-gradle-lockfile.ts';
import { parseManifest } from './parse-manifest.ts';
import { parsePomProperties, parseProperties } from './parse-pom-properties.ts';
import { parsePomXml } from './parse-pom-xml.ts';
import { ctxAt } from './test-jars.ts';

describe('parseManifest', () => {
  it('joins 72-byte continuation lines without a separator and stops at the first per-entry section', () => {
    const mf = 'Manifest-Version: 1.0\r\nBundle-Description: A very long descrip\r\n tion here\r\nImplementation-Version:  2.0 \r\n\r\nName: a/b/\r\nImplementation-Version: 9\r\n';
    expect(parseManifest(mf)).toEqual({ 'Manifest-Version': '1.0', 'Bundle-Description': 'A very long description here', 'Implementation-Version': '2.0' });
  });
  it('skips lines that are not attributes', () => {
    expect(parseManifest('garbage line\nImplementation-Title: x\n')).toEqual({ 'Implementation-Title': 'x' });
  });
});

describe('parsePomProperties', () => {
  it('reads Java properties syntax', () => {
    expect(parseProperties('# c\n! c\nk1=v1\nk2 : v2\nk3 v3\nk4=a\\\n    b\nk5=\\u0041\\t\n')).toEqual({ k1: 'v1', k2: 'v2', k3: 'v3', k4: 'ab', k5: 'A\t' });
  });
  it('takes missing coordinates from the directory and rejects what stays unknown', () => {
    expect(parsePomProperties('version=1.0\n', { groupId: 'g', artifactId: 'a' })).toEqual({ groupId: 'g', artifactId: 'a', version: '1.0' });
    expect(parsePomProperties('version=1.0\n')).toBeNull();
  });
});

describe('parsePomXml', () => {
  it('reads project fields, keeps versions as strings and resolves project and property references', () => {
    const pom = parsePomXml(`<project><parent><groupId>org.p</groupId><version>1.10</version></parent><artifactId>x</artifactId>
      <properties><lic>MIT</lic></properties><name>\${project.artifactId} lib</name><version>\${project.parent.version}</version>
      <licenses><license><name>\${lic}</name></license><license><url>https://opensource.org/licenses/MIT</url></license></licenses>
      <organization><name>Org</name></organization></project>`);
    expect(pom).toMatchObject({ groupId: null, artifactId: 'x', version: '1.10', name: 'x lib', licenses: ['MIT', 'https://opensource.org/licenses/MIT'], organization: 'Org', parent: { groupId: 'org.p', version: '1.10' } });
  });
  it('returns null for what is not a POM', () => {
    expect(parsePomXml('<notaproject/>')).toBeNull();
    expect(parsePomXml('<<<')).toBeNull();
  });
});

describe('java naming', () => {
  it('splits file names at the last -<digit>', () => {
    expect(nameFromFileName('/x/commons-lang3-3.12.0.jar')).toEqual({ name: 'commons-lang3', version: '3.12.0' });
    expect(nameFromFileName('log4j-1.2-api-2.17.1.jar')).toEqual({ name: 'log4j-1.2-api', version: '2.17.1' });
    expect(nameFromFileName('guava-31.1-jre.jar')).toEqual({ name: 'guava', version: '31.1-jre' });
    expect(nameFromFileName('bcprov-jdk18on-1.76.jar')).toEqual({ name: 'bcprov-jdk18on', version: '1.76' });
    expect(nameFromFileName('spring-core-6.1.0-SNAPSHOT.jar')).toEqual({ name: 'spring-core', version: '6.1.0-SNAPSHOT' });
    expect(nameFromFileName('app.war')).toEqual({ name: 'app', version: null });
  });
  it('guesses groupIds only from attributes that carry them', () => {
    expect(guessGroupId({ 'Implementation-Vendor-Id': 'org.apache.commons' }, 'commons-io')).toEqual({ groupId: 'org.apache.commons', from: 'Implementation-Vendor-Id' });
    expect(guessGroupId({ 'Automatic-Module-Name': 'com.fasterxml.jackson.core' }, 'core')).toEqual({ groupId: 'com.fasterxml.jackson', from: 'Automatic-Module-Name' });
    expect(guessGroupId({ 'Bundle-SymbolicName': 'org.example.foo-bar' }, 'foo-bar')?.groupId).toBe('org.example');
    expect(guessGroupId({ 'Bundle-SymbolicName': 'org.apache.commons.io' }, 'commons-io')).toBeNull();
    expect(guessGroupId({ 'Implementation-Vendor-Id': 'The Apache Software Foundation' }, 'x')).toBeNull();
  });
  it('writes Maven purls, without a namespace only when the groupId is unknown', () => {
    expect(mavenPurl('org.example', 'a', '1.0')).toBe('pkg:maven/org.example/a@1.0');
    expect(mavenPurl(null, 'a', '1.0+build')).toBe('pkg:maven/a@1.0+build');
  });
});

describe('parseGradleLockfile', () => {
  it('reads both lockfile generations and marks test-only modules', () => {
    const text = '# comment\norg.a:x:1.0=compileClasspath,testRuntimeClasspath\norg.b:y:2.0=testCompileClasspath\nbroken-line\nempty=annotationProcessor\n';
    const pkgs = parseGradleLockfile(Buffer.from(text), ctxAt('/app/gradle.lockfile'));
    expect(pkgs.map((p) => [p.purl, p.metadata['dev']])).toEqual([
      ['pkg:maven/org.a/x@1.0', false],
      ['pkg:maven/org.b/y@2.0', true],
    ]);
    // Before Gradle 6.4: one file per configuration, no `=` part.
    expect(parseGradleLockfile(Buffer.from('org.c:z:3\n'), ctxAt('/app/gradle/dependency-locks/compileClasspath.lockfile'))[0]?.metadata).toEqual({ configurations: [], dev: false });
  });
});
