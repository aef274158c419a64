// Test support for the API suites: the app over a real platform store and advisory store (a SQLite file, or a fresh
// PostgreSQL schema when DATABASE_URL is set) and the real platform service, plus orgs with tokens of each scope.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Advisory } from '../../core/advisory.ts';
import type { ImageMetadata } from '../../core/model.ts';
import type { Sbom } from '../../core/sbom.ts';
import { AdvisoryStore } from '../../advisory/store/advisory-store.ts';
import { sampleSbom } from '../../sbom/formats/testdata/sample-sbom.ts';
import { type TestStoreLocations, testStoreLocations } from '../../../test/support/pg-schemas.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import { openJobQueue } from '../jobs/open-queue.ts';
import type { PushPayload, TokenScope } from '../model.ts';
import { createPlatformService } from '../service.ts';
import { PlatformStore, type StoreLocation } from '../store/platform-store.ts';
import { buildApp, type AppOptions } from './app.ts';

/** The databases the suites run on: SQLite always, PostgreSQL when DATABASE_URL is set. */
export function testDatabases(label: string): TestStoreLocations {
  // One PostgreSQL schema per test file, dropped afterwards; the tests keep apart by creating their own orgs.
  return testStoreLocations(`sextant_${label.replace(/\W/g, '_')}`, { skipped: label, sharedSchema: true });
}

/** An org and one token of each scope. */
export interface TestOrg {
  orgId: string;
  tokens: Record<TokenScope, string>;
  tokenIds: Record<TokenScope, string>;
}

export interface TestApi {
  app: FastifyInstance;
  store: PlatformStore;
  advisories: AdvisoryStore;
  /** The job queue the routes add to (not started: nothing runs the jobs). */
  jobs: JobQueue;
  /** Create an org with a read, a push and an admin token. */
  org(name: string): Promise<TestOrg>;
  /** One request through `app.inject`, with the token as a bearer token when given. */
  call(method: InjectOptions['method'], url: string, options?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The app over fresh stores at `location`, with the real service. */
export async function openTestApi(location: StoreLocation, options: Partial<Pick<AppOptions, 'logger' | 'rateLimit' | 'webRoot'>> = {}): Promise<TestApi> {
  const store = await PlatformStore.open(location);
  const advisories = await AdvisoryStore.open(location);
  const service = createPlatformService({ store, advisories });
  const jobs = await openJobQueue(store, { connectionString: location.url });
  const app = buildApp({ store, service, jobs, version: '0.0.0-test', ...options });
  await app.ready();
  return {
    app,
    store,
    advisories,
    jobs,
    async org(name) {
      const org = await store.createOrg(name);
      const tokens = {} as Record<TokenScope, string>;
      const tokenIds = {} as Record<TokenScope, string>;
      for (const scope of ['read', 'push', 'admin'] as const) {
        const created = await store.createToken(org.id, `${name}-${scope}`, [scope]);
        tokens[scope] = created.token;
        tokenIds[scope] = created.info.id;
      }
      return { orgId: org.id, tokens, tokenIds };
    },
    call(method, url, { token, body, headers = {} } = {}) {
      return app.inject({
        method,
        url,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        ...(body === undefined ? {} : typeof body === 'string' || Buffer.isBuffer(body) ? { payload: body } : { payload: body as object }),
      });
    },
    async close() {
      await app.close();
      await jobs.stop();
      await Promise.all([store.close(), advisories.close()]);
    },
  };
}

/** A digest made of one repeated hex character. */
export const digestOf = (c: string) => `sha256:${c.repeat(64)}`;

/** A push of the sample SBOM, under another reference, digest and layer chain when given. */
export function samplePush(overrides: { reference?: string; digest?: string; layers?: string[]; environment?: string } = {}): PushPayload {
  const sbom: Sbom = sampleSbom();
  const image: ImageMetadata = { ...sbom.image };
  if (overrides.reference) image.reference = overrides.reference;
  if (overrides.digest) image.digest = overrides.digest;
  if (overrides.layers) image.layers = overrides.layers.map((diffId, i) => ({ ...sbom.image.layers[0]!, digest: digestOf(String(i + 1)).replace(/.$/, 'f'), diffId }));
  const secrets = [{ rule: 'github-token', severity: 'critical' as const, title: 'GitHub token', location: { path: '/app/.env', layer: image.layers[0]?.diffId ?? null }, line: 3, preview: 'ghp_*****' }];
  return { sbom: { ...sbom, image }, secrets, ...(overrides.environment ? { environment: overrides.environment } : {}) };
}

/** An npm advisory affecting `ms` below 2.1.4 (the sample SBOM has ms 2.1.3). */
export function msAdvisory(id = 'GHSA-test-ms00-0001'): Advisory {
  return {
    id,
    aliases: ['CVE-2099-0001'],
    related: [],
    modified: '2025-01-01T00:00:00Z',
    published: '2025-01-01T00:00:00Z',
    withdrawn: null,
    summary: 'ms is slow on long strings',
    details: null,
    severity: null,
    affected: [{ ecosystem: 'npm', name: 'ms', purl: null, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.1.4' }] }], versions: [], severity: null }],
    references: [],
    cwes: [],
  };
}
