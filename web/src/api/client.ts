// The dashboard's only way to the server: fetch against the documented /api/v1 with the session's bearer token.
// Errors come back in the API's one shape ({error: {code, message}}) and are thrown as ApiError.
import { sessionToken, signOut } from '../auth/session.ts';

/** An API answer that was not 2xx: its HTTP status and the API's stable code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Query parameters: undefined, null and '' are left out. */
export type Query = Record<string, string | number | boolean | null | undefined>;

/** `/api/v1` + `path` + the query string of `query`. */
export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  const search = params.toString();
  return `/api/v1${path}${search ? `?${search}` : ''}`;
}

/** Listeners told when the server refuses the session's token (the app then shows the sign-in page). */
const unauthenticated = new Set<() => void>();

/** Call `listener` whenever the server answers 401; returns the unsubscribe function. */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticated.add(listener);
  return () => unauthenticated.delete(listener);
}

/** Call the API: JSON in, JSON out (undefined for 204). */
export async function api<T>(path: string, options: { method?: string; query?: Query; body?: unknown; token?: string; signal?: AbortSignal } = {}): Promise<T> {
  const token = options.token ?? sessionToken();
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'the Sextant server could not be reached');
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(response.status, 'INVALID_ANSWER', `the server answered ${response.status} with something that is not JSON`);
  }
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    if (response.status === 401 && !options.token) {
      signOut();
      for (const listener of unauthenticated) listener();
    }
    throw new ApiError(response.status, error?.code ?? 'HTTP_ERROR', error?.message ?? `the server answered ${response.status}`);
  }
  return body as T;
}
