import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Viewer } from '../platform/tenancy/viewer.js';

/** What yoga's node adapter receives with each HTTP request: the request and response, the caller and the request id. */
export interface ServerContext {
  req: IncomingMessage;
  res: ServerResponse;
  viewer: Viewer;
  requestId: string;
}
