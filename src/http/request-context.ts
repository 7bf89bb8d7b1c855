import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** The request id travels with the async call chain, so masked errors and logs can name it. */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

export function newRequestId(): string {
  return randomUUID();
}

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
