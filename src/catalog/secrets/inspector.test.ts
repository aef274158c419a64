import { describe, expect, it } from 'vitest';
import { isScannable, MAX_SECRET_FILE_BYTES, secretInspector, type FileSecret } from './inspector.ts';
import { scanMetadata } from './metadata.ts';
import { fakeChars, fakeSecrets } from './testing.ts';

const s = fakeSecrets(42);

/** Feed `content` to a fresh secret inspector in chunks of `chunk` bytes; its findings. */
function inspect(content: Buffer, chunk: number, path = '/app/config.env'): FileSecret[] | undefined {
  const inspector = secretInspector(path, content.length, 0o644);
  if (!inspector) throw new Error(`not scannable: ${path}`);
  for (let at = 0; at < content.length; at += chunk) inspector.write(content.subarray(at, at + chunk));
  return inspector.end() as FileSecret[] | undefined;
}

describe('secret file inspector', () => {
  it('finds secrets with their line numbers, whatever the chunk size', () => {
    const text = `# config\nname=app\n\nGITHUB=${s.github}\n${'filler line of text\n'.repeat(40_000)}key=${s.google}\n`;
    const expected = [
      { rule: 'github-token', severity: 'critical', title: 'GitHub token', line: 4, preview: 'ghp_*****' },
      { rule: 'google-api-key', severity: 'high', title: 'Google API key', line: 40_005, preview: 'AIza*****' },
    ];
    for (const chunk of [1, 7, 512, 65_536, 1 << 20]) {
      expect(inspect(Buffer.from(text), chunk), `chunks of ${chunk}`).toEqual(expected);
    }
  });

  it('finds a secret split across a block boundary, once', () => {
    // 256 KiB blocks: put a token across the first boundary and a PEM key across the second, then feed
    // chunks that cut them too.
    const block = 256 * 1024;
    const first = `${'a'.repeat(block - 10)}\n${s.github}\n`;
    const second = `${'b'.repeat(2 * block - first.length - 30)}\n${s.pem}`;
    const content = Buffer.from(`${first}${second}tail\n`);
    for (const chunk of [block, 4096, 1000, 333]) {
      expect(inspect(content, chunk)?.map((f) => [f.rule, f.line]), `chunks of ${chunk}`).toEqual([
        ['github-token', 2],
        // The line of the secret: the key's first base64 line, after the BEGIN line.
        ['private-key', 5],
      ]);
    }
  });

  it('skips binaries by a NUL in the first bytes', () => {
    const content = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0]), Buffer.from(`\n${s.github}\n`)]);
    expect(inspect(content, 4096)).toBeUndefined();
    // However the first bytes are cut into chunks.
    expect(inspect(Buffer.concat([Buffer.from(`${s.github}\n`), Buffer.alloc(1)]), 3)).toBeUndefined();
    expect(inspect(Buffer.from(`text\n${s.github}\n`), 4096)).toHaveLength(1);
  });

  it('reads text files up to 1 MiB outside documentation, locales and certificate stores', () => {
    expect(isScannable('/app/.env', 100)).toBe(true);
    expect(isScannable('/usr/lib/python3/dist-packages/x/tests/key.pem', 100)).toBe(true);
    expect(isScannable('/app/.env', 0)).toBe(false);
    expect(isScannable('/app/big.json', MAX_SECRET_FILE_BYTES + 1)).toBe(false);
    expect(isScannable('/usr/share/doc/openssl/README', 100)).toBe(false);
    expect(isScannable('/etc/ssl/certs/ca-certificates.crt', 100)).toBe(false);
    expect(isScannable('/usr/lib/x86_64-linux-gnu/libssl.so.3', 100)).toBe(false);
    expect(isScannable('/app/logo.png', 100)).toBe(false);
    expect(secretInspector('/usr/share/locale/de/LC_MESSAGES/x.po', 100, 0o644)).toBeNull();
  });
});

describe('secrets in image metadata', () => {
  it('scans env names and values, labels and history lines', () => {
    const findings = scanMetadata({
      env: [
        { name: 'PATH', value: '/usr/bin:/bin' },
        { name: 'DB_PASSWORD', value: s.password as string },
        { name: 'GH', value: s.github as string },
      ],
      labels: { 'org.example.token': s.slack as string, maintainer: 'someone' },
      history: [
        { created: null, createdBy: '/bin/sh -c #(nop) ADD file:abc in /', comment: null, emptyLayer: false },
        { created: null, createdBy: `RUN /bin/sh -c echo hi && \\\n  curl -H "x-api-key: ${s.stripeLive}" https://api`, comment: null, emptyLayer: false },
      ],
    });
    expect(findings).toEqual([
      { rule: 'generic-secret', severity: 'medium', title: expect.any(String), location: { env: 'DB_PASSWORD' }, preview: `${s.password?.slice(0, 4)}*****` },
      { rule: 'github-token', severity: 'critical', title: 'GitHub token', location: { env: 'GH' }, preview: 'ghp_*****' },
      { rule: 'slack-token', severity: 'high', title: 'Slack token', location: { label: 'org.example.token' }, preview: 'xoxb*****' },
      { rule: 'stripe-live-key', severity: 'critical', title: 'Stripe live secret key', location: { history: 1 }, line: 2, preview: 'sk_l*****' },
    ]);
    expect(JSON.stringify(findings)).not.toContain(fakeChars(8, 1));
    for (const secret of Object.values(s)) expect(JSON.stringify(findings)).not.toContain(secret.slice(0, 12));
  });
});
