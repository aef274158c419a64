// Tests for poetry.lock, Pipfile.lock and uv.lock: dev and direct flags, dependency edges, corrupt input.
import { describe, expect, it } from 'vitest';
import { isSextantError } from '../../../core/errors.ts';
import { parsePipfileLock } from './parse-pipfile-lock.ts';
import { parsePoetryLock } from './parse-poetry-lock.ts';
import { parseUvLock } from './parse-uv-lock.ts';
import { testContext } from './test-context.ts';

const POETRY_LOCK = `
[[package]]
name = "flask"
version = "3.0.0"
description = "A micro framework"
optional = false
python-versions = ">=3.8"
files = []

[package.dependencies]
Werkzeug = ">=3.0.0"
click = [{version = ">=8.1.3", markers = "python_version >= '3.8'"}]

[[package]]
name = "werkzeug"
version = "3.0.1"
description = ""
optional = false
python-versions = ">=3.8"
files = []

[[package]]
name = "click"
version = "8.1.7"
description = ""
optional = false
python-versions = ">=3.7"
files = []

[[package]]
name = "pytest"
version = "8.0.0"
description = ""
optional = false
python-versions = ">=3.8"
files = []

[package.dependencies]
click = "*"

[package.source]
type = "git"
url = "https://github.com/pytest-dev/pytest.git"
reference = "main"
resolved_reference = "abc123"

[metadata]
lock-version = "2.0"
`;

const PYPROJECT = `
[tool.poetry]
name = "app"
version = "0.1.0"

[tool.poetry.dependencies]
python = "^3.11"
Flask = "^3.0"

[tool.poetry.group.dev.dependencies]
pytest = "^8"
`;

describe('parsePoetryLock', () => {
  it('derives direct and dev from pyproject.toml when the lock carries neither category nor groups', async () => {
    const ctx = testContext('/app/poetry.lock', { '/app/pyproject.toml': PYPROJECT });
    const pkgs = await parsePoetryLock(Buffer.from(POETRY_LOCK), ctx);
    const by = Object.fromEntries(pkgs.map((p) => [p.name, p]));
    expect(Object.keys(by)).toEqual(['flask', 'werkzeug', 'click', 'pytest']);
    expect(by.flask).toMatchObject({
      direct: true,
      purl: 'pkg:pypi/flask@3.0.0',
      description: 'A micro framework',
      dependsOn: ['werkzeug', 'click'],
    });
    expect(by.flask?.metadata.dev).toBe(false);
    expect(by.werkzeug).toMatchObject({ direct: false, metadata: { dev: false } });
    expect(by.click).toMatchObject({ direct: false, metadata: { dev: false } });
    expect(by.pytest).toMatchObject({ direct: true, metadata: { dev: true, source: { type: 'git', resolved_reference: 'abc123' } } });
  });

  it('leaves direct null and dev unset without pyproject.toml', async () => {
    const pkgs = await parsePoetryLock(Buffer.from(POETRY_LOCK), testContext('/app/poetry.lock'));
    expect(pkgs.every((p) => p.direct === null && !('dev' in p.metadata))).toBe(true);
  });

  it('reads PEP 621 dependencies for direct', async () => {
    const ctx = testContext('/app/poetry.lock', { '/app/pyproject.toml': '[project]\nname = "app"\ndependencies = ["flask>=3"]\n' });
    const pkgs = await parsePoetryLock(Buffer.from(POETRY_LOCK), ctx);
    expect(pkgs.filter((p) => p.direct).map((p) => p.name)).toEqual(['flask']);
  });

  it('throws CORRUPT for a file that is not TOML', async () => {
    const err = await parsePoetryLock(Buffer.from('[[package]\nname='), testContext('/app/poetry.lock')).catch((e: unknown) => e);
    expect(isSextantError(err, 'CORRUPT')).toBe(true);
  });
});

const PIPFILE_LOCK = JSON.stringify({
  _meta: { 'pipfile-spec': 6 },
  default: {
    requests: { version: '==2.31.0', hashes: ['sha256:aa'], index: 'pypi' },
    urllib3: { version: '==2.0.7', markers: "python_version >= '3.7'" },
    mylib: { git: 'https://github.com/x/mylib.git', ref: 'abc' },
    bad: 'nonsense',
  },
  develop: {
    pytest: { version: '==7.4.0' },
    urllib3: { version: '==2.0.7' },
  },
});

describe('parsePipfileLock', () => {
  it('lists default and develop packages once, dev for develop only, direct from the Pipfile', async () => {
    const ctx = testContext('/srv/Pipfile.lock', { '/srv/Pipfile': '[packages]\nRequests = "*"\n\n[dev-packages]\npytest = "*"\n' });
    const pkgs = await parsePipfileLock(Buffer.from(PIPFILE_LOCK), ctx);
    expect(pkgs.map((p) => [p.name, p.version, p.direct, p.metadata.dev])).toEqual([
      ['requests', '2.31.0', true, false],
      ['urllib3', '2.0.7', false, false],
      ['pytest', '7.4.0', true, true],
    ]);
    expect(pkgs[1]?.metadata.marker).toBe("python_version >= '3.7'");
  });

  it('leaves direct null without a Pipfile, and throws CORRUPT for broken JSON', async () => {
    const pkgs = await parsePipfileLock(Buffer.from(PIPFILE_LOCK), testContext('/srv/Pipfile.lock'));
    expect(pkgs.every((p) => p.direct === null)).toBe(true);
    const err = await parsePipfileLock(Buffer.from('{"default": '), testContext('/srv/Pipfile.lock')).catch((e: unknown) => e);
    expect(isSextantError(err, 'CORRUPT')).toBe(true);
  });
});

const UV_LOCK = `
version = 1
requires-python = ">=3.11"

[[package]]
name = "app"
version = "1.0.0"
source = { editable = "." }
dependencies = [{ name = "httpx", extra = ["socks"] }]

[package.dev-dependencies]
test = [{ name = "pytest" }]

[[package]]
name = "httpx"
version = "0.28.1"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "idna" }]

[package.optional-dependencies]
socks = [{ name = "socksio" }]
brotli = [{ name = "brotli" }]

[[package]]
name = "idna"
version = "3.10"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "socksio"
version = "1.0.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "brotli"
version = "1.1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
version = "8.3.4"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "numpy", version = "2.0.0", source = { registry = "https://pypi.org/simple" } }, { name = "idna" }]

[[package]]
name = "numpy"
version = "1.26.4"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "numpy"
version = "2.0.0"
source = { registry = "https://pypi.org/simple" }
`;

describe('parseUvLock', () => {
  it('marks the project as root, its requests as direct, and dev by reachability with extras followed', () => {
    const pkgs = parseUvLock(Buffer.from(UV_LOCK), testContext('/app/uv.lock'));
    const row = (name: string, version?: string) => {
      const p = pkgs.find((x) => x.name === name && (version === undefined || x.version === version));
      return [p?.direct, p?.metadata.dev, p?.metadata.root];
    };
    expect(row('app')).toEqual([null, undefined, true]);
    expect(row('httpx')).toEqual([true, false, undefined]);
    expect(row('idna')).toEqual([false, false, undefined]);
    expect(row('socksio')).toEqual([false, false, undefined]);
    // brotli is an extra nobody asked for: neither runtime nor dev.
    expect(row('brotli')).toEqual([false, undefined, undefined]);
    expect(row('pytest')).toEqual([true, true, undefined]);
    expect(row('numpy', '2.0.0')).toEqual([false, true, undefined]);
    expect(row('numpy', '1.26.4')).toEqual([false, undefined, undefined]);
    expect(pkgs.find((p) => p.name === 'pytest')?.dependsOn).toEqual(['numpy', 'idna']);
    expect(pkgs.find((p) => p.name === 'httpx')?.purl).toBe('pkg:pypi/httpx@0.28.1');
  });

  it('throws CORRUPT for a file that is not TOML', () => {
    let err: unknown;
    try {
      parseUvLock(Buffer.from('version = = 1'), testContext('/app/uv.lock'));
    } catch (e) {
      err = e;
    }
    expect(isSextantError(err, 'CORRUPT')).toBe(true);
  });
});
