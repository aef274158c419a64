// osv.dev's dump locations and ecosystem list, against a real local HTTP server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedServer } from '../../../../test/support/feed-server.ts';
import { ecosystemPathSegment, listOsvEcosystems, osvDumpUrl, osvSourceBase } from './osv-download.ts';

let server: FeedServer;
beforeAll(async () => {
  server = await FeedServer.start();
});
afterAll(() => server.close());

describe('osv-download', () => {
  it('escapes ecosystem names as one path segment, keeping colons', () => {
    expect(ecosystemPathSegment('Ubuntu:22.04:LTS')).toBe('Ubuntu:22.04:LTS');
    expect(ecosystemPathSegment('Red Hat')).toBe('Red%20Hat');
    expect(ecosystemPathSegment('Rocky Linux:9')).toBe('Rocky%20Linux:9');
    expect(ecosystemPathSegment('crates.io')).toBe('crates.io');
    expect(osvDumpUrl('https://mirror.example/osv/', 'Red Hat')).toBe('https://mirror.example/osv/Red%20Hat/all.zip');
    expect(() => osvSourceBase('ftp://mirror.example')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => osvSourceBase('not a url')).toThrow(expect.objectContaining({ code: 'USAGE', message: 'advisory source "not a url" is not a URL' }));
  });

  it('lists the published ecosystems, leaving out releases whose base ecosystem is listed', async () => {
    server.put('/ecosystems.txt', Buffer.from('AlmaLinux\nAlmaLinux:9\nDebian\r\nDebian:12\n\nUbuntu:22.04:LTS\nRed Hat\nnpm\nnpm\n'));
    expect(await listOsvEcosystems(`${server.url}/`)).toEqual(['AlmaLinux', 'Debian', 'Ubuntu:22.04:LTS', 'Red Hat', 'npm']);
    server.put('/ecosystems.txt', Buffer.from('\n\n'));
    await expect(listOsvEcosystems(server.url)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/ecosystems\.txt lists no ecosystems; name them with --ecosystem$/) });
    server.files.clear();
    await expect(listOsvEcosystems(server.url)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/^cannot list the OSV ecosystems \(cannot download http:\/\/127\.0\.0\.1:\d+\/ecosystems\.txt: HTTP 404 Not Found\); name them with --ecosystem$/),
    });
  });
});
