// Tests of the runtime version classifiers: fake ELF files in chunks of 1, 7 and 4096 bytes, the host's own
// node, python and java binaries when present, and Java release files.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { elfGated } from './elf.ts';
import { parseJavaRelease } from './parse-java-release.ts';
import { runtimeInspector } from './parse-runtime-version.ts';
import { fakeElf, feed } from './test-binaries.ts';

const ctx = { location: { path: '/usr/lib/jvm/x/release', layerDigest: null }, distro: null, foundBy: 'runtime-binary@1', readFile: async () => undefined };

function inspect(path: string, bytes: Buffer, size: number, mode = 0o755): unknown {
  const make = runtimeInspector(path, mode);
  return make ? feed(elfGated(() => make), bytes, size) : null;
}

describe('runtime classifiers', () => {
  const cases: [string, string, Record<string, string>][] = [
    ['/usr/local/bin/node', 'https://nodejs.org/download/release/node.js/v20.11.1/x', { name: 'node', version: '20.11.1' }],
    ['/usr/local/bin/python3.12', 'Python\0pymalloc\x003.12.1\0strict\0', { name: 'python', version: '3.12.1' }],
    ['/usr/lib/libpython3.11.so.1.0', 'x\x003.11.2\0y', { name: 'python', version: '3.11.2' }],
    ['/opt/jdk/bin/java', 'a\0openjdk\0java\x000.0\x0021.0.2+13-LTS\0', { name: 'openjdk', version: '21.0.2', fullVersion: '21.0.2+13-LTS' }],
    ['/bin/busybox', 'BusyBox v1.36.1 (2023-11-07 18:53:09 UTC)', { name: 'busybox', version: '1.36.1' }],
  ];
  it.each([1, 7, 4096])('finds each version in chunks of %i bytes', (size) => {
    for (const [path, text, want] of cases) expect(inspect(path, fakeElf(Buffer.from(text, 'latin1')), size)).toMatchObject(want);
  });

  it('reads only the files a runtime is named by, and only ELF ones', () => {
    expect(runtimeInspector('/usr/bin/ls', 0o755)).toBeNull();
    expect(runtimeInspector('/usr/bin/node', 0o644)).toBeNull();
    expect(inspect('/usr/bin/busybox', Buffer.from('#!/bin/sh\nBusyBox v1.36.1 '), 1)).toBeUndefined();
    expect(inspect('/usr/bin/python3.11', fakeElf(Buffer.from('\x003.12.1\0')), 4096)).toBeUndefined();
  });

  const host: [string, string][] = [
    ['node', process.execPath],
    ['python', '/usr/bin/python3.11'],
    ['openjdk', '/usr/lib/jvm/java-17-openjdk-amd64/bin/java'],
  ];
  for (const [name, path] of host) {
    it.skipIf(!existsSync(path))(`recognises the host's ${name} (${path})`, () => {
      const real = realpathSync(path);
      const r = inspect(real, readFileSync(real), 65536, statSync(real).mode) as { name: string; version: string } | undefined;
      expect(r?.name).toBe(name);
      expect(r?.version).toMatch(/^\d+\.\d+\.\d+/);
      if (name === 'node') expect(r?.version).toBe(process.versions.node);
    });
  }
});

describe('parseJavaRelease', () => {
  it('reads JAVA_VERSION and the implementor', () => {
    const text = 'IMPLEMENTOR="Eclipse Adoptium"\nIMPLEMENTOR_VERSION="Temurin-21.0.2+13"\nJAVA_RUNTIME_VERSION="21.0.2+13-LTS"\nJAVA_VERSION="21.0.2"\n';
    expect(parseJavaRelease(Buffer.from(text), ctx)).toMatchObject([
      { purl: 'pkg:generic/openjdk@21.0.2', metadata: { classifier: 'java-release', implementor: 'Eclipse Adoptium', fullVersion: '21.0.2+13-LTS' } },
    ]);
    expect(parseJavaRelease(Buffer.from('OS_NAME="Linux"\n'), ctx)).toEqual([]);
  });
});
