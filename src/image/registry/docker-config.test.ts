// Credential lookup: environment first, then Docker's config.json `auths` under each spelling of a host.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSextantError } from '../../core/errors.ts';
import { credentialsFromConfig, dockerConfigPath, lookupCredentials } from './docker-config.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const config = (auths: Record<string, unknown>, extra: Record<string, unknown> = {}) => JSON.stringify({ auths, ...extra });

describe('credentialsFromConfig', () => {
  it.each([
    ['registry.example.com', 'registry.example.com'],
    ['https://registry.example.com', 'registry.example.com'],
    ['https://registry.example.com/v1/', 'registry.example.com'],
    ['http://localhost:5000', 'localhost:5000'],
    ['https://index.docker.io/v1/', 'docker.io'],
    ['docker.io', 'docker.io'],
    ['https://index.docker.io/v1/', 'registry-1.docker.io'],
  ])('matches key %s for host %s', (key, host) => {
    const found = credentialsFromConfig(config({ [key]: { auth: b64('alice:s3:cret') } }), 'cfg', host);
    expect(found.credentials).toEqual({ username: 'alice', password: 's3:cret' });
    expect(found.source).toBe('cfg');
  });

  it('does not match another host or port', () => {
    const text = config({ 'registry.example.com': { auth: b64('a:b') } });
    expect(credentialsFromConfig(text, 'cfg', 'registry.example.com:5000').credentials).toBeNull();
    expect(credentialsFromConfig(text, 'cfg', 'other.example.com').credentials).toBeNull();
  });

  it('prefers the exact spelling of the host', () => {
    const text = config({ 'https://r.example': { auth: b64('url:1') }, 'r.example': { auth: b64('exact:2') } });
    expect(credentialsFromConfig(text, 'cfg', 'r.example').credentials).toEqual({ username: 'exact', password: '2' });
  });

  it('reads username/password fields and identity tokens', () => {
    expect(credentialsFromConfig(config({ 'r.example': { username: 'u', password: 'p' } }), 'cfg', 'r.example').credentials).toEqual({
      username: 'u',
      password: 'p',
    });
    expect(credentialsFromConfig(config({ 'r.example': { auth: b64('u:'), identitytoken: 'tok' } }), 'cfg', 'r.example').credentials).toEqual({
      identityToken: 'tok',
      username: 'u',
    });
  });

  it('names a credential helper it does not run', () => {
    const text = config({}, { credHelpers: { 'r.example': 'ecr-login' }, credsStore: 'desktop' });
    expect(credentialsFromConfig(text, 'cfg', 'r.example')).toEqual({ credentials: null, source: null, helper: 'docker-credential-ecr-login' });
    expect(credentialsFromConfig(text, 'cfg', 'other.example').helper).toBe('docker-credential-desktop');
  });

  it('reports malformed JSON and a broken auth field as CORRUPT naming the file', () => {
    for (const text of ['{"auths": {', config({ 'r.example': { auth: b64('no-colon') } })]) {
      let err: unknown;
      try {
        credentialsFromConfig(text, '/home/x/.docker/config.json', 'r.example');
      } catch (e) {
        err = e;
      }
      expect(isSextantError(err, 'CORRUPT')).toBe(true);
      expect((err as Error).message).toContain('/home/x/.docker/config.json');
      expect((err as Error).message).not.toContain('\n');
    }
  });
});

describe('lookupCredentials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sextant-docker-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads $DOCKER_CONFIG/config.json, else ~/.docker/config.json', async () => {
    writeFileSync(join(dir, 'config.json'), config({ 'r.example': { auth: b64('a:b') } }));
    expect(dockerConfigPath({ env: { DOCKER_CONFIG: dir } })).toBe(join(dir, 'config.json'));
    expect(dockerConfigPath({ env: {}, homeDir: '/home/u' })).toBe('/home/u/.docker/config.json');
    expect((await lookupCredentials('r.example', { env: { DOCKER_CONFIG: dir } })).credentials).toEqual({ username: 'a', password: 'b' });
  });

  it('puts SEXTANT_REGISTRY_USER/PASSWORD first', async () => {
    const env = { DOCKER_CONFIG: dir, SEXTANT_REGISTRY_USER: 'envuser', SEXTANT_REGISTRY_PASSWORD: 'envpass' };
    expect(await lookupCredentials('r.example', { env })).toEqual({
      credentials: { username: 'envuser', password: 'envpass' },
      source: 'SEXTANT_REGISTRY_USER',
      helper: null,
    });
  });

  it('finds nothing when there is no config file', async () => {
    expect((await lookupCredentials('r.example', { env: { DOCKER_CONFIG: join(dir, 'missing') } })).credentials).toBeNull();
  });
});
