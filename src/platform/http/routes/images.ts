// Image routes: push (store, match, answer), list, one image, its findings and its base image.
import { Type } from 'typebox';
import type { PushPayload as PushPayloadModel } from '../../model.ts';
import { BODY_LIMITS, type ApiInstance, type RouteDeps } from '../api-instance.ts';
import { principalOf } from '../auth.ts';
import { notFound } from '../errors.ts';
import { AUTH_ERRORS, AnalysisAnswer, BaseMatch, DigestParams, ErrorBody, Finding, ImageSummary, PushPayload, StoredImage } from '../schemas.ts';

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
        summary: "List the org's images, newest push first",
        querystring: Type.Object({
          search: Type.Optional(Type.String({ maxLength: 200, description: 'part of the reference or digest' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          cursor: Type.Optional(Type.String({ maxLength: 500, description: 'the `next` of the previous page' })),
        }),
        response: { 200: Type.Object({ images: Type.Array(ImageSummary), next: Type.Union([Type.String(), Type.Null()]) }), ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const { search, limit, cursor } = request.query;
      return store.listImages(principalOf(request).orgId, { ...(search ? { search } : {}), limit: limit ?? 50, cursor: cursor ?? null });
    },
  );

  app.get(
    '/api/v1/images/:digest',
    {
      config: { scope: 'read' },
      schema: {
        tags: ['images'],
        summary: 'One stored image: summary, metadata, packages, relationships, redacted secrets, distro',
        params: DigestParams,
        response: { 200: StoredImage, ...AUTH_ERRORS, 404: ErrorBody },
      },
    },
    async (request) => {
      const image = await store.getImage(principalOf(request).orgId, request.params.digest);
      if (!image) throw notFound(`image ${request.params.digest}`);
      return image;
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
