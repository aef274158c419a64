// Image routes: push (store, match, answer), list (filtered, sorted, paged), one image, its packages (paged), its
// layers, its findings and its base image.
import { Type } from 'typebox';
import type { PushPayload as PushPayloadModel } from '../../model.ts';
import { BODY_LIMITS, type ApiInstance, type RouteDeps } from '../api-instance.ts';
import { principalOf } from '../auth.ts';
import { notFound } from '../errors.ts';
import { AUTH_ERRORS, AnalysisAnswer, BaseMatch, DigestParams, ErrorBody, Finding, ImageLayerRow, ImageListQuery, ImagePackagePage, ImagePackageQuery, ImagePage, PushPayload, StoredImage, StoredImageQuery } from '../schemas.ts';

/** `query` without its absent or empty members: an empty filter (`?tag=`, as forms send it) asks for nothing. */
function definedOnly<T extends object>(query: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== '')) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

/** Add the image routes. */
export function registerImageRoutes(app: ApiInstance, { store, service }: RouteDeps): void {
  app.post(
    '/api/v1/images',
    {
      bodyLimit: BODY_LIMITS.push,
      config: { scope: 'push' },
      schema: {
        tags: ['images'],
        summary: 'Push an analysed image: stored, matched, answered with its findings and base image',
        description: 'The body is what `sextant push` sends (at most 64 MiB). 201 when the image is new to the org, 200 when it replaced a stored one.',
        body: PushPayload,
        response: { 200: AnalysisAnswer, 201: AnalysisAnswer, ...AUTH_ERRORS, 413: ErrorBody },
      },
    },
    async (request, reply) => {
      // The schema checked the fields the platform reads; the rest of the SBOM is kept as sent.
      const { answer, created } = await service.push(principalOf(request), request.body as unknown as PushPayloadModel);
      return reply.code(created ? 201 : 200).send(answer);
    },
  );

  app.get(
    '/api/v1/images',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['images'],
        summary: "List the org's images: filtered, sorted (newest push first by default), paged, with the total",
        description: 'Ties are broken by digest. The default sort pages by keyset; the others by offset. `next` is the cursor of the following page (null at the end), `total` how many images pass the filters.',
        querystring: ImageListQuery,
        response: { 200: ImagePage, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const { limit, cursor, ...filters } = request.query;
      return store.findImages(principalOf(request).orgId, { ...definedOnly(filters), limit: limit ?? 50, cursor: cursor ?? null });
    },
  );

  app.get(
    '/api/v1/images/:digest',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['images'],
        summary: 'One stored image: summary, metadata, packages, relationships, redacted secrets, distro',
        description: 'With `packages=false`, packages and relationships come back empty: page packages through `/packages`.',
        params: DigestParams,
        querystring: StoredImageQuery,
        response: { 200: StoredImage, ...AUTH_ERRORS, 404: ErrorBody },
      },
    },
    async (request) => {
      const image = await store.getImage(principalOf(request).orgId, request.params.digest, { packages: request.query.packages !== false });
      if (!image) throw notFound(`image ${request.params.digest}`);
      return image;
    },
  );

  app.get(
    '/api/v1/images/:digest/packages',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['images'],
        summary: "A page of the image's packages: filtered, sorted (by name by default), with the total",
        description: 'Ties are broken by SBOM position. `total` is how many packages pass the filters.',
        params: DigestParams,
        querystring: ImagePackageQuery,
        response: { 200: ImagePackagePage, ...AUTH_ERRORS, 404: ErrorBody },
      },
    },
    async (request) => {
      const { limit, offset, ...filters } = request.query;
      const page = await store.imagePackages(principalOf(request).orgId, request.params.digest, { ...definedOnly(filters), limit: limit ?? 100, offset: offset ?? 0 });
      if (!page) throw notFound(`image ${request.params.digest}`);
      return page;
    },
  );

  app.get(
    '/api/v1/images/:digest/layers',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['images'],
        summary: "The image's layers in image order, with their packages and those packages' open findings",
        params: DigestParams,
        response: { 200: Type.Object({ layers: Type.Array(ImageLayerRow) }), ...AUTH_ERRORS, 404: ErrorBody },
      },
    },
    async (request) => {
      const layers = await store.imageLayers(principalOf(request).orgId, request.params.digest);
      if (!layers) throw notFound(`image ${request.params.digest}`);
      return { layers };
    },
  );

  app.get(
    '/api/v1/images/:digest/findings',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['images'],
        summary: "The image's open findings: advisory ids, aliases and the package's purl for each",
        params: DigestParams,
        response: { 200: Type.Object({ digest: Type.String(), findings: Type.Array(Finding) }), ...AUTH_ERRORS, 404: ErrorBody },
      },
    },
    async (request) => {
      const findings = await service.findings(principalOf(request), request.params.digest);
      if (!findings) throw notFound(`image ${request.params.digest}`);
      return { digest: request.params.digest, findings };
    },
  );

  app.get(
    '/api/v1/images/:digest/base',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['images'],
        summary: "The image's base: the stored or catalog image whose whole chain is the longest prefix of its layers",
        params: DigestParams,
        response: { 200: BaseMatch, ...AUTH_ERRORS, 404: ErrorBody },
      },
    },
    async (request) => {
      const base = await service.base(principalOf(request), request.params.digest);
      if (!base) throw notFound(`image ${request.params.digest}`);
      return base;
    },
  );
}
