// The API's one error shape, `{error: {code, message}}`: every failure (validation, auth, unknown routes, body
// limits, rate limits, SextantErrors, anything unexpected) is answered with it, never with a stack trace.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isSextantError, type SextantError } from '../../core/errors.ts';

/** The stable codes of the API's errors (docs/api.md). */
export type ApiErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'INVALID_REQUEST' | 'PAYLOAD_TOO_LARGE' | 'RATE_LIMITED' | 'CONFLICT' | 'INTERNAL';

/** What an error answer's body is. */
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string };
}

/** An error a route or hook throws to answer with `status` and `code`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly statusCode: number;
  readonly code: ApiErrorCode;

  constructor(statusCode: number, code: ApiErrorCode, message: string) {
    super(message);
    this.statusCode = statusCode;
    this.code = code;
  }
}

/** A 404 for a resource the caller's org does not have (the same answer whether or not another org has it). */
export function notFound(what: string): ApiError {
  return new ApiError(404, 'NOT_FOUND', `${what} not found`);
}

/** How each SextantError code is answered: the caller's mistakes are 400s, failures upstream 502s, the store's 500s. */
const SEXTANT_STATUS: Record<string, [number, ApiErrorCode]> = {
  NOT_FOUND: [404, 'NOT_FOUND'],
  NOT_AN_IMAGE: [400, 'INVALID_REQUEST'],
  CORRUPT: [400, 'INVALID_REQUEST'],
  DIGEST_MISMATCH: [400, 'INVALID_REQUEST'],
  UNSUPPORTED: [400, 'INVALID_REQUEST'],
  UNKNOWN_PLATFORM: [400, 'INVALID_REQUEST'],
  UNSAFE_PATH: [400, 'INVALID_REQUEST'],
  LIMIT_EXCEEDED: [400, 'INVALID_REQUEST'],
  SYMLINK_LOOP: [400, 'INVALID_REQUEST'],
  BAD_REFERENCE: [400, 'INVALID_REQUEST'],
  USAGE: [400, 'INVALID_REQUEST'],
  CONFLICT: [409, 'CONFLICT'],
  AUTH_FAILED: [502, 'INTERNAL'],
  FORBIDDEN: [502, 'INTERNAL'],
  NETWORK: [502, 'INTERNAL'],
  REGISTRY: [502, 'INTERNAL'],
};

/** Fastify's own 4xx errors by status, for those not handled by name. */
const STATUS_CODES: Record<number, ApiErrorCode> = {
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
};

/** The answer to `err`: its status, code and a one-line message safe to show to the caller. */
export function describeError(err: unknown): { status: number; code: ApiErrorCode; message: string; expected: boolean } {
  if (err instanceof ApiError) return { status: err.statusCode, code: err.code, message: err.message, expected: true };
  if (isSextantError(err)) return describeSextantError(err);
  const e = err as Partial<FastifyError> | null;
  if (e && typeof e === 'object') {
    if (e.validation) return { status: 400, code: 'INVALID_REQUEST', message: oneLine(e.message ?? 'invalid request'), expected: true };
    switch (e.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'request body is larger than this route accepts', expected: true };
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return { status: 415, code: 'INVALID_REQUEST', message: 'unsupported content type: send application/json', expected: true };
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return { status: 400, code: 'INVALID_REQUEST', message: 'the request body is empty but its content type is JSON', expected: true };
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return { status: 400, code: 'INVALID_REQUEST', message: 'malformed JSON in the request body', expected: true };
      default:
        break;
    }
    // JSON.parse failures arrive as SyntaxErrors that fastify marks 400.
    if (e.statusCode === 400 && e.name === 'SyntaxError') return { status: 400, code: 'INVALID_REQUEST', message: 'malformed JSON in the request body', expected: true };
    const status = e.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return { status, code: STATUS_CODES[status] ?? 'INVALID_REQUEST', message: oneLine(e.message ?? 'invalid request'), expected: true };
    }
  }
  return { status: 500, code: 'INTERNAL', message: 'internal error', expected: false };
}

function describeSextantError(err: SextantError): { status: number; code: ApiErrorCode; message: string; expected: boolean } {
  const mapped = SEXTANT_STATUS[err.code];
  // STORE (and any code not listed) may name files or database hosts: the caller gets a generic line, the log the rest.
  if (!mapped) return { status: 500, code: 'INTERNAL', message: 'internal error', expected: false };
  return { status: mapped[0], code: mapped[1], message: oneLine(err.message), expected: mapped[0] < 500 };
}

function oneLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}

/** Answer `reply` with the error body for `code` and `message`. */
export function sendError(reply: FastifyReply, status: number, code: ApiErrorCode, message: string): FastifyReply {
  if (status === 401) reply.header('www-authenticate', 'Bearer');
  return reply.code(status).type('application/json; charset=utf-8').send({ error: { code, message } } satisfies ApiErrorBody);
}

/**
 * Make every error of `app` answer in the API's shape (an unknown URL too, unless `pages` claims it for the dashboard). Expected errors are logged by code only; unexpected ones with
 * their message and stack, except on routes marked `config.private` (local analysis), whose errors could quote
 * package URLs and are logged by type and code alone.
 */
export function installErrorHandling(app: FastifyInstance, pages?: { isPage(request: FastifyRequest): boolean; send(reply: FastifyReply): FastifyReply }): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const answer = describeError(err);
    const route = request.routeOptions.url ?? null;
    if (answer.expected) {
      request.log.info({ route, status: answer.status, code: answer.code }, 'request refused');
    } else if (request.routeOptions.config.private) {
      const e = err as { name?: unknown; code?: unknown } | null;
      request.log.error({ route, status: answer.status, errorType: e?.name, errorCode: e?.code }, 'request failed');
    } else {
      request.log.error({ route, status: answer.status, err }, 'request failed');
    }
    return sendError(reply, answer.status, answer.code, answer.message);
  });
  // With the dashboard served, a URL outside /api that is no file is one of its pages: the app answers it.
  app.setNotFoundHandler((request, reply) => (pages?.isPage(request) ? pages.send(reply) : sendError(reply, 404, 'NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)));
}

/** Fastify's router errors (a URL that cannot be decoded), answered in the same shape. */
export function frameworkErrorHandler(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const answer = describeError(err);
  void sendError(reply, answer.status, answer.code, answer.message);
}
