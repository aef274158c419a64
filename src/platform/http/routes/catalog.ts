// The public catalog of base images (shared by every org, written by admin tokens): list and add entries.
import { Type } from 'typebox';
import type { CatalogEntry as CatalogEntryModel } from '../../store/platform-store.ts';
import { BODY_LIMITS, type ApiInstance, type RouteDeps } from '../api-instance.ts';
import { AUTH_ERRORS, CatalogEntry, ListedCatalogEntry } from '../schemas.ts';

/** Add the catalog routes. */
export function registerCatalogRoutes(app: ApiInstance, { store }: RouteDeps): void {
  app.get(
    '/api/v1/catalog',
    {
      config: { scope: 'read' },
      schema: { tags: ['catalog'], summary: 'Every public catalog entry', response: { 200: Type.Object({ entries: Type.Array(ListedCatalogEntry) }), ...AUTH_ERRORS } },
    },
    async () => ({ entries: await store.listCatalog() }),
  );

  app.post(
    '/api/v1/catalog',
    {
      bodyLimit: BODY_LIMITS.bulk,
      config: { scope: 'admin' },
      schema: {
        tags: ['catalog'],
        summary: 'Add public images (name, tag, platform, digest, layer chain) to the catalog',
        body: Type.Object({ entries: Type.Array(CatalogEntry, { maxItems: 10_000 }) }),
        response: { 200: Type.Object({ added: Type.Integer() }), ...AUTH_ERRORS },
      },
    },
    async (request) => ({ added: await store.addCatalogEntries(request.body.entries as CatalogEntryModel[]) }),
  );
}
