/**
 * An HTTP proxy in front of MinIO that forwards every request unchanged (the Host header too, so SigV4
 * signatures stay valid), records which S3 operation each one was, and on demand answers chosen operations
 * with the error S3 itself sends under load (503 SlowDown) instead of forwarding them. MinIO stays the real
 * server; the proxy only decides which requests it gets to see.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';

export type S3Op =
  | 'CreateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'PutObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject'
  | 'ListObjects'
  | 'Other';

export interface S3Request {
  op: S3Op;
  /** `bucket/key` (path-style). */
  path: string;
  uploadId?: string;
  partNumber?: number;
  status: number;
  /** Answered by the proxy with an injected error. */
  injected: boolean;
}

function classify(req: IncomingMessage): { op: S3Op; path: string; uploadId?: string; partNumber?: number } {
  const url = new URL(req.url ?? '/', 'http://proxy');
  const path = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const q = url.searchParams;
  const uploadId = q.get('uploadId') ?? undefined;
  const partNumber = q.has('partNumber') ? Number(q.get('partNumber')) : undefined;
  const isObject = path.includes('/');
  let op: S3Op = 'Other';
  if (req.method === 'POST' && q.has('uploads')) op = 'CreateMultipartUpload';
  else if (req.method === 'PUT' && uploadId) op = 'UploadPart';
  else if (req.method === 'POST' && uploadId) op = 'CompleteMultipartUpload';
  else if (req.method === 'DELETE' && uploadId) op = 'AbortMultipartUpload';
  else if (req.method === 'PUT' && isObject) op = 'PutObject';
  else if (req.method === 'GET' && isObject) op = 'GetObject';
  else if (req.method === 'HEAD' && isObject) op = 'HeadObject';
  else if (req.method === 'DELETE' && isObject) op = 'DeleteObject';
  else if (req.method === 'GET') op = 'ListObjects';
  return { op, path, uploadId, partNumber };
}

const SLOW_DOWN =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';

export class S3FaultProxy {
  readonly requests: S3Request[] = [];
  /** Requests for which this returns true get 503 SlowDown. */
  failWhen: ((request: Omit<S3Request, 'status' | 'injected'>) => boolean) | null = null;
  /** Called after each request is answered (by MinIO or by an injected error). */
  onRequest: ((request: S3Request) => void) | null = null;
  private server: Server | null = null;

  private record(request: S3Request): void {
    this.requests.push(request);
    this.onRequest?.(request);
  }

  constructor(
    private readonly listenPort: number,
    private readonly upstreamPort: number,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const seen = classify(req);
      if (this.failWhen?.(seen)) {
        req.resume();
        req.on('end', () => {
          this.record({ ...seen, status: 503, injected: true });
          res.writeHead(503, { 'content-type': 'application/xml', 'retry-after': '1' });
          res.end(SLOW_DOWN);
        });
        return;
      }
      const upstream = request(
        {
          host: '127.0.0.1',
          port: this.upstreamPort,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (upstreamRes) => {
          this.record({ ...seen, status: upstreamRes.statusCode ?? 0, injected: false });
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
          // Cut in the middle of the body: the client's connection breaks too, as it would on a real network.
          const breakClient = () => {
            if (!upstreamRes.complete) req.socket.destroy();
          };
          upstreamRes.on('aborted', breakClient);
          upstreamRes.on('error', breakClient);
          upstreamRes.on('close', breakClient);
        },
      );
      upstream.on('error', () => {
        if (!res.headersSent) this.record({ ...seen, status: 502, injected: false });
        // The connection to MinIO broke (a cut network, a restart): the client sees its connection reset.
        req.socket.destroy();
      });
      // And the other way round: a client that goes away takes its upstream request with it.
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
      });
      req.pipe(upstream);
    });
    this.server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.listenPort, '127.0.0.1', () => resolve());
    });
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
    this.server = null;
  }

  count(op: S3Op, filter: (r: S3Request) => boolean = () => true): number {
    return this.requests.filter((r) => r.op === op && filter(r)).length;
  }
}
