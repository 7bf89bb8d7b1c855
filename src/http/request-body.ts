import type { IncomingMessage } from 'node:http';

/**
 * A GraphQL POST body read by the edge, with the same limit whether the client sent Content-Length or a chunked
 * body (browsers' streaming uploads, some proxies): yoga then parses it from memory instead of the socket.
 */
export type BodyRead = { kind: 'ok'; body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

export function readBodyUpTo(req: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyRead) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('close', onAborted);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit nothing more is kept; the 413 goes out with "Connection: close" so the rest is never read.
      if (size > maxBytes) finish({ kind: 'too-large' });
      else chunks.push(chunk);
    };
    const onEnd = () => finish({ kind: 'ok', body: Buffer.concat(chunks, size) });
    // A client that goes away mid-body is not a server error: there is no one left to answer.
    const onAborted = () => finish({ kind: 'aborted' });
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onAborted);
    req.once('close', onAborted);
  });
}

/** Hands a body read by the edge to yoga (@whatwg-node/server uses `req.body` when a framework already read it). */
export function attachBody(req: IncomingMessage, body: Buffer): void {
  (req as IncomingMessage & { body?: Uint8Array }).body = body;
}

export const MALFORMED = Symbol('malformed JSON');

/** A POST body as JSON, or MALFORMED (answered with MALFORMED_JSON_BODY, for the reason below). */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return MALFORMED;
  }
}

/**
 * Whether a GraphQL request's JSON parts parse. Checked before yoga sees them:
 * the parser's message quotes the text around the error, which may be the
 * caller's token, so a malformed body or parameter gets a fixed answer instead.
 */
export function malformedJson(req: IncomingMessage, body: Buffer | null): boolean {
  const texts: string[] = [];
  if (body) texts.push(body.toString('utf8'));
  else {
    const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
    for (const name of ['variables', 'extensions']) {
      const value = params.get(name);
      if (value) texts.push(value);
    }
  }
  for (const text of texts) {
    try {
      JSON.parse(text);
    } catch {
      return true;
    }
  }
  return false;
}

export const MALFORMED_JSON_BODY = {
  errors: [
    { message: 'The request is not valid JSON (its body, or its variables or extensions parameter).', extensions: { code: 'BAD_REQUEST' } },
  ],
};
