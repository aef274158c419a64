// End-to-end: `sextant secrets` on a real layered image with secrets in files, env, labels and history.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretFinding } from '../../src/core/secret.ts';
import { fakeSecrets } from '../../src/catalog/secrets/testing.ts';
import { buildImage, buildTar, indexEntry, sha256, writeOciLayout } from '../support/image-builder.ts';
import { runCli } from '../support/cli.ts';

const s = fakeSecrets(7);
let dir: string;
let layout: string;
let diffIds: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sextant-e2e-secrets-'));
  const base = await buildTar([
    { name: 'etc/os-release', content: 'ID=debian\nVERSION_ID="12"\n' },
    // Deleted by the next layer: not in the squashed view, so not reported.
    { name: 'app/.env', content: `GITHUB_TOKEN=${s.github}\n` },
    // Skipped trees: documentation and the CA store.
    { name: 'usr/share/doc/app/README', content: `key ${s.google}\n` },
    { name: 'etc/ssl/certs/bundle.pem', content: s.pem },
    { name: 'app/keys/deploy.pem', content: `# deploy key\n${s.pem}` },
  ]);
  const app = await buildTar([
    { name: 'app/.wh..env' },
    { name: 'srv/config.yml', content: `server:\n  port: 8080\ncloud:\n  key_id: ${s.awsKeyId}\n  aws_secret_access_key: ${s.awsSecret}\n` },
    // A binary (NUL in its first bytes) holding a token: binaries are skipped.
    { name: 'usr/bin/tool', content: Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]), Buffer.from(s.gitlab as string)]), mode: 0o755 },
  ]);
  const image = buildImage({
    layers: [
      { tar: base, createdBy: 'COPY . /' },
      { tar: app, compression: 'zstd', createdBy: `RUN /bin/sh -c curl -H "Authorization: Bearer ${s.stripeLive}" https://example.invalid` },
    ],
    config: { Env: ['PATH=/usr/bin:/bin', `DB_PASSWORD=${s.password}`], Labels: { 'org.example.hook': s.slackWebhook, maintainer: 'team' }, Cmd: ['/bin/sh'] },
  });
  diffIds = [sha256(base), sha256(app)];
  layout = join(dir, 'layout');
  await writeOciLayout(layout, [indexEntry(image)], image.blobs);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every fake secret, whole: none may appear in any output. */
function expectNoSecretIn(text: string): void {
  for (const [name, secret] of Object.entries(s)) {
    for (const line of secret.split('\n').filter((l) => l.length >= 16)) expect(text, name).not.toContain(line);
    expect(text, name).not.toContain(secret.slice(0, 12));
  }
}

describe('sextant secrets', () => {
  it('reports secrets of the squashed view with their layer, and in env, labels and history, redacted', async () => {
    const r = await runCli(['secrets', `oci-dir://${layout}`, '--format', 'json', '-q']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const findings = JSON.parse(r.stdout) as SecretFinding[];
    expect(findings).toEqual([
      { rule: 'private-key', severity: 'critical', title: 'Private key', location: { path: '/app/keys/deploy.pem', layer: diffIds[0] }, line: 3, preview: `${s.pem?.split('\n')[1]?.slice(0, 4)}*****` },
      { rule: 'aws-access-key-id', severity: 'critical', title: 'AWS access key ID', location: { path: '/srv/config.yml', layer: diffIds[1] }, line: 4, preview: 'AKIA*****' },
      { rule: 'aws-secret-access-key', severity: 'critical', title: 'AWS secret access key', location: { path: '/srv/config.yml', layer: diffIds[1] }, line: 5, preview: `${s.awsSecret?.slice(0, 4)}*****` },
      { rule: 'generic-secret', severity: 'medium', title: expect.any(String), location: { env: 'DB_PASSWORD' }, preview: `${s.password?.slice(0, 4)}*****` },
      { rule: 'slack-webhook', severity: 'high', title: 'Slack webhook URL', location: { label: 'org.example.hook' }, preview: `${s.slackWebhook?.split('/')[4]?.slice(0, 4)}*****` },
      { rule: 'stripe-live-key', severity: 'critical', title: 'Stripe live secret key', location: { history: 1 }, line: 1, preview: 'sk_l*****' },
    ]);
    // The token in the deleted /app/.env is not reported: only the squashed view is scanned.
    expect(findings.some((f) => f.rule === 'github-token')).toBe(false);
    expectNoSecretIn(r.stdout);
  });

  it('prints a table for people, without the secrets', async () => {
    const r = await runCli(['secrets', `oci-dir://${layout}`, '-q']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('/srv/config.yml (layer 1)');
    expect(r.stdout).toContain('env DB_PASSWORD');
    expect(r.stdout).toContain('label org.example.hook');
    expect(r.stdout).toContain('history 1');
    expect(r.stdout).toMatch(/6 secrets \(4 critical, 1 high, 1 medium\)/);
    expectNoSecretIn(r.stdout);
  });

  it('scans a root filesystem directory, with no layer', async () => {
    const root = join(dir, 'rootfs');
    await mkdir(join(root, 'etc/app'), { recursive: true });
    await writeFile(join(root, 'etc/app/settings.ini'), `[db]\nhost = db\npassword = ${s.password}\n`);
    const r = await runCli(['secrets', `fs://${root}`, '--format', 'json', '-q']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { rule: 'generic-secret', severity: 'medium', title: expect.any(String), location: { path: '/etc/app/settings.ini', layer: null }, line: 3, preview: `${s.password.slice(0, 4)}*****` },
    ]);
    expectNoSecretIn(r.stdout);
  });

  it('exits 0 with an empty list when there are none, and 2 with one line on errors', async () => {
    const clean = await buildTar([{ name: 'etc/hostname', content: 'box\n' }]);
    const image = buildImage({ layers: [{ tar: clean }] });
    const cleanLayout = join(dir, 'clean');
    await writeOciLayout(cleanLayout, [indexEntry(image)], image.blobs);
    const r = await runCli(['secrets', `oci-dir://${cleanLayout}`, '--format', 'json', '-q']);
    expect([r.code, JSON.parse(r.stdout)]).toEqual([0, []]);
    expect((await runCli(['secrets', `oci-dir://${cleanLayout}`, '-q'])).stdout).toContain('No secrets found');

    const missing = await runCli(['secrets', `oci-dir://${join(dir, 'nope')}`, '-q']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const usage = await runCli(['secrets', `oci-dir://${cleanLayout}`, '--format', 'xml']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/unknown format "xml"/);
  });
});
