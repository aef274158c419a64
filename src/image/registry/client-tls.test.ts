// TLS trust, in a file of its own: adding the test CA is process-wide, so the untrusted case must run before it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSextantError } from '../../core/errors.ts';
import { startRegistry, type TestRegistry } from '../../../test/support/registry-server.ts';
import { RegistryClient } from './client.ts';

describe('a registry with a self-signed certificate', () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ auth: 'none', tls: true });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('is NETWORK (certificate not trusted) without its CA, and insecure does not fall back to HTTP', async () => {
    for (const insecure of [false, true]) {
      const err = await new RegistryClient({ registry: registry.host, insecure, credentials: null }).getManifest('a/b', 'latest').catch((e: unknown) => e);
      expect(isSextantError(err, 'NETWORK')).toBe(true);
      expect((err as Error).message).toMatch(new RegExp(`^cannot reach registry ${registry.host}: TLS certificate not trusted`));
    }
  });

  it('is reachable once its CA is given', async () => {
    const client = new RegistryClient({ registry: registry.host, ca: registry.ca!, credentials: null });
    await expect(client.getManifest('a/b', 'latest')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await client.baseUrl()).toBe(registry.url);
  });
});
