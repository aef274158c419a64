// Test support: real ELF binaries built with the host's toolchains (go, gcc + objcopy), fake ELF files, and
// chunked feeding of inspectors. Used by this folder's tests only.
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { zipSync } from 'fflate';
import type { FileInspector } from '../../../layerfs/types.ts';

/** True when `cmd args` runs. */
export function hasTool(cmd: string, args: string[] = ['--version']): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A file that starts like an ELF executable, with `body` after some padding. */
export function fakeElf(body: Buffer, padding = 3000, trailer = 500): Buffer {
  const head = Buffer.alloc(64 + padding, 0x78); // 'x' bytes: plenty of false zlib-header starts
  Buffer.from('\x7fELF\x02\x01\x01', 'latin1').copy(head);
  return Buffer.concat([head, body, Buffer.alloc(trailer, 0)]);
}

/** Feed `bytes` to `inspector` in chunks of `size` and return its result. */
export function feed(inspector: FileInspector, bytes: Buffer, size: number): unknown {
  for (let i = 0; i < bytes.length; i += size) inspector.write(bytes.subarray(i, i + size));
  return inspector.end();
}

/** An unsigned LEB128 varint. */
export function uvarint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

const START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const END = Buffer.from('f932433186182072008242104116d8f2', 'hex');

/** An inline (Go 1.18+) build info blob, as the Go linker writes it, 16-byte aligned by the caller. */
export function goBuildInfoBlob(goVersion: string, modinfo: string): Buffer {
  const header = Buffer.alloc(32);
  Buffer.from('\xff Go buildinf:', 'latin1').copy(header);
  header[14] = 8;
  header[15] = 2;
  const mod = Buffer.concat([START, Buffer.from(modinfo), END]);
  const v = Buffer.from(goVersion);
  return Buffer.concat([header, uvarint(v.length), v, uvarint(mod.length), mod]);
}

/** A fake ELF with `blob` at a 16-byte aligned offset. */
export function fakeElfWithAligned(blob: Buffer, before = 4096): Buffer {
  const head = Buffer.alloc(before, 0x11);
  Buffer.from('\x7fELF', 'latin1').copy(head);
  return Buffer.concat([head, blob, Buffer.alloc(256)]);
}

/** cargo-auditable's JSON for a root crate `app` depending on serde (crates.io) and a build dependency. */
export const AUDIT_JSON = JSON.stringify({
  packages: [
    { name: 'app', version: '0.1.0', source: 'local', dependencies: [1, 3], root: true },
    { name: 'serde', version: '1.0.197', source: 'crates.io', dependencies: [2] },
    { name: 'serde_derive', version: '1.0.197', source: 'crates.io', kind: 'build' },
    { name: 'mygit', version: '0.3.0', source: 'git' },
  ],
});

/** zlib-compress as cargo-auditable does. */
export function zlibJson(json: string, level = 7): Buffer {
  return deflateSync(Buffer.from(json), { level });
}

/** A path Rust's standard library embeds for panic locations (the commit is rustc's own). */
export const RUST_PANIC_PATH = '/rustc/90b35a6239c3d8bdabc530a6a0816f7ff89a0aaf/library/core/src/panicking.rs';

/** A fake ELF whose body comes after Rust-looking .rodata, as `.dep-v0` does in real cargo-auditable binaries. */
export function rustElf(body: Buffer, padding?: number, trailer?: number): Buffer {
  return fakeElf(Buffer.concat([Buffer.from(`${RUST_PANIC_PATH}\0`), body]), padding, trailer);
}

/** Compile a tiny C program with gcc and add `json` zlib-compressed as the `.dep-v0` section with objcopy. */
export function buildAuditableElf(dir: string, json: string): string {
  const src = join(dir, 'hello.c');
  // A panic-location string as Rust's standard library leaves in .rodata: the inspector's sign of a Rust binary.
  execFileSync('sh', ['-c', `printf '%s\\n' 'const char *where = "${RUST_PANIC_PATH}";' 'int main(void){return where[0] == 0;}' > '${src}'`]);
  const exe = join(dir, 'hello');
  execFileSync('gcc', ['-O0', '-o', exe, src]);
  const section = join(dir, 'dep-v0.zlib');
  execFileSync('sh', ['-c', `cat > '${section}'`], { input: zlibJson(json) });
  execFileSync('objcopy', ['--add-section', `.dep-v0=${section}`, '--set-section-flags', '.dep-v0=noload,readonly', exe]);
  return exe;
}

/**
 * Build a Go module `example.com/app` with `go build` and no network: `example.com/dep` v1.2.3 comes from a file
 * GOPROXY written here, `example.com/old` is replaced by `example.com/fork` v1.0.0 from the same proxy, and
 * `example.com/local` is replaced by a local directory. `goarch` cross-compiles (e.g. `mips`, a 32-bit big-endian
 * ELF). Returns the executable's path.
 */
export async function buildGoBinary(dir: string, goarch?: string): Promise<string> {
  const proxy = join(dir, 'proxy');
  const mod = async (path: string, version: string, declared: string, pkg: string): Promise<void> => {
    const at = join(proxy, path, '@v');
    await mkdir(at, { recursive: true });
    const gomod = `module ${declared}\n\ngo 1.18\n`;
    await writeFile(join(at, 'list'), `${version}\n`);
    await writeFile(join(at, `${version}.info`), JSON.stringify({ Version: version, Time: '2024-01-02T03:04:05Z' }));
    await writeFile(join(at, `${version}.mod`), gomod);
    const prefix = `${path}@${version}/`;
    const zip = zipSync({ [`${prefix}go.mod`]: Buffer.from(gomod), [`${prefix}${pkg}.go`]: Buffer.from(`package ${pkg}\n\n// Name names it.\nfunc Name() string { return "${path}" }\n`) });
    await writeFile(join(at, `${version}.zip`), zip);
  };
  await mod('example.com/dep', 'v1.2.3', 'example.com/dep', 'dep');
  await mod('example.com/fork', 'v1.0.0', 'example.com/old', 'old');
  await mkdir(join(dir, 'local'), { recursive: true });
  await writeFile(join(dir, 'local/go.mod'), 'module example.com/local\n\ngo 1.18\n');
  await writeFile(join(dir, 'local/local.go'), 'package local\n\n// Name names it.\nfunc Name() string { return "local" }\n');
  await mkdir(join(dir, 'app'), { recursive: true });
  await writeFile(
    join(dir, 'app/go.mod'),
    [
      'module example.com/app',
      'go 1.18',
      'require (',
      '\texample.com/dep v1.2.3',
      '\texample.com/old v0.9.0',
      '\texample.com/local v0.0.0',
      ')',
      'replace example.com/old => example.com/fork v1.0.0',
      'replace example.com/local => ../local',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'app/main.go'),
    'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/dep"\n\t"example.com/local"\n\t"example.com/old"\n)\n\nfunc main() { fmt.Println(dep.Name(), old.Name(), local.Name()) }\n',
  );
  const exe = join(dir, 'app.bin');
  execFileSync('go', ['build', '-buildvcs=false', '-o', exe, '.'], {
    cwd: join(dir, 'app'),
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, GOPROXY: `file://${proxy}`, GOSUMDB: 'off', GOFLAGS: '-mod=mod', GOMODCACHE: join(dir, 'modcache'), GOTOOLCHAIN: 'local', ...(goarch ? { GOOS: 'linux', GOARCH: goarch } : {}) },
  });
  return exe;
}
