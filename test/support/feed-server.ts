// A real HTTP server on 127.0.0.1 serving advisory feeds (OSV zips, KEV, EPSS) for the updater's tests: ETag and
// Last-Modified with conditional requests honoured, and faults on demand (HTTP errors, cut-off bodies, silence).
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One file the server holds, and how it answers for it. */
export interface FeedFile {
  body: Uint8Array;
  /** Default: a quoted sha256 prefix of the body; null sends no ETag. */
  etag?: string | null;
  /** Default: a fixed date; null sends no Last-Modified. */
  lastModified?: string | null;
  /** Answer with this status (and a short text body) instead of the file. */
  status?: number;
  /** Send the full Content-Length but only this many bytes, then drop the connection. */
  truncateAt?: number;
  /** Send the headers, then nothing (for timeouts). */
  stall?: boolean;
}

/** A request the server saw: the raw path and the status it answered. */
export interface SeenRequest {
  path: string;
  status: number;
}

const DEFAULT_LAST_MODIFIED = 'Mon, 01 Sep 2025 00:00:00 GMT';

export class FeedServer {
  readonly files = new Map<string, FeedFile>();
  readonly requests: SeenRequest[] = [];
  private readonly server: Server;
  readonly url: string;

  private constructor(server: Server) {
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Start a server on a free port. */
  static async start(): Promise<FeedServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const self = new FeedServer(server);
    server.on('request', (req, res) => self.answer(req.url ?? '/', req.headers, res));
    return self;
  }

  /** Serve `body` at the raw path `path` (e.g. `/Red%20Hat/all.zip`), with the given headers and faults. */
  put(path: string, body: Uint8Array, options: Omit<FeedFile, 'body'> = {}): void {
    this.files.set(path, { body, ...options });
  }

  /** Requests seen since the last call. */
  takeRequests(): SeenRequest[] {
    return this.requests.splice(0);
  }

  private answer(path: string, headers: NodeJS.Dict<string | string[]>, res: ServerResponse): void {
    const file = this.files.get(path);
    const send = (status: number, body: string) => {
      this.requests.push({ path, status });
      res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) }).end(body);
    };
    if (!file) return send(404, 'not found');
    if (file.status) return send(file.status, 'feed failure');
    const etag = file.etag === undefined ? `"${createHash('sha256').update(file.body).digest('hex').slice(0, 16)}"` : file.etag;
    const lastModified = file.lastModified === undefined ? DEFAULT_LAST_MODIFIED : file.lastModified;
    const validators: Record<string, string> = {};
    if (etag) validators.etag = etag;
    if (lastModified) validators['last-modified'] = lastModified;
    const ifNoneMatch = headers['if-none-match'];
    const ifModifiedSince = headers['if-modified-since'];
    const notModified =
      (etag && typeof ifNoneMatch === 'string' && ifNoneMatch.split(',').some((t) => t.trim() === etag)) ||
      (ifNoneMatch === undefined && lastModified && typeof ifModifiedSince === 'string' && Date.parse(lastModified) <= Date.parse(ifModifiedSince));
    if (notModified) {
      this.requests.push({ path, status: 304 });
      res.writeHead(304, validators).end();
      return;
    }
    this.requests.push({ path, status: 200 });
    res.writeHead(200, { ...validators, 'content-type': 'application/octet-stream', 'content-length': file.body.length });
    if (file.stall) return;
    if (file.truncateAt !== undefined) {
      res.write(file.body.subarray(0, file.truncateAt), () => res.socket?.destroy());
      return;
    }
    res.end(file.body);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
