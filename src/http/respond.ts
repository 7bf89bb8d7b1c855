import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(payload);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** A route served by the thin HTTP edge (webhooks, link redirects, health). */
export interface HttpRoute {
  name: string;
  /** Returns path parameters when the route serves this path, else null. */
  match(pathname: string): Record<string, string> | null;
  handle(req: IncomingMessage, res: ServerResponse, params: Record<string, string>, url: URL): Promise<void> | void;
  /**
   * Optional fast path for a hot route: requests whose raw URL starts with
   * `prefix` are offered to `handle` before the generic edge builds a URL,
   * a request id and an async context for them (more than the whole route costs
   * on the webhook path). Return false to let the generic edge serve the
   * request. The handler must answer its own errors; a throw answers 500.
   */
  fast?: { prefix: string; handle(req: IncomingMessage, res: ServerResponse): boolean };
}
