import { randomBytes } from 'node:crypto';
import type { Harness } from '../helpers/harness.js';
import { sqlRow, sqlRows } from '../helpers/sql.js';
import { activeCredential, IDS, rawId, sandboxIdOf, startWorld, type World as BaseWorld } from '../helpers/world.js';
import type { InboundMessageInput, StatusInput, WebhookContext } from '../../src/messages/service.js';

export { waitUntil } from '../helpers/wait.js';
export { IDS };

/**
 * The messaging tests drive the service functions webhook processing calls, on a
 * real server with a real database, and read the results over GraphQL. The
 * simulator plays Meta for the auto-replies.
 */

export interface World extends BaseWorld {
  /** Webhook context of an ACTIVE credential in sandbox prod (org acme). */
  ctx: WebhookContext;
  /** The same for sandbox "other" of the same organization. */
  otherCtx: WebhookContext;
  otherKey: string;
  otherViewerKey: string;
}

export async function setupWorld(env: Record<string, string> = {}): Promise<World> {
  const { sim, h } = await startWorld({ env });
  const otherKey = await h.createKey({ sandbox: 'other', role: 'ADMIN' });
  const otherViewerKey = await h.createKey({ sandbox: 'other', role: 'VIEWER' });
  const [ctx, otherCtx] = await Promise.all([contextFor(h, h.adminKey, 'prod sender'), contextFor(h, otherKey, 'other sender')]);
  return { sim, h, ctx, otherCtx, otherKey, otherViewerKey };
}

async function contextFor(h: Harness, key: string, name: string): Promise<WebhookContext> {
  const globalId = await activeCredential(h, name, IDS.phone.acmeGreen, key);
  return {
    sandboxId: await sandboxIdOf(h, key),
    credentialId: rawId(globalId),
    phoneNumberId: IDS.phone.acmeGreen,
    deliveryId: `delivery-${randomBytes(4).toString('hex')}`,
  };
}

export const newWamid = (): string => `wamid.TEST${randomBytes(12).toString('base64url')}`;

export const USER = { waId: '16505551234', phone: '+16505551234', userId: 'US.13491208655302741918' };

export function inbound(overrides: Partial<InboundMessageInput> = {}): InboundMessageInput {
  return {
    wamid: newWamid(),
    waId: USER.waId,
    userId: null,
    profileName: 'Pat',
    type: 'text',
    text: 'hello',
    timestamp: new Date(),
    category: null,
    matchedKeyword: null,
    consentChange: null,
    replyText: null,
    ...overrides,
  };
}

export function status(wamid: string, value: string, overrides: Partial<StatusInput> = {}): StatusInput {
  return {
    wamid,
    status: value,
    timestamp: new Date(),
    recipientId: USER.waId,
    recipientUserId: null,
    errors: [],
    bizOpaqueCallbackData: null,
    ...overrides,
  };
}

/** Rows straight from the database, on either backend (assertions on what was stored, e.g. that nothing else was). */
export function rows<T = Record<string, unknown>>(h: Harness, sql: string, ...params: unknown[]): Promise<T[]> {
  return sqlRows<T>(h.server, sql, ...params);
}

export async function count(h: Harness, sql: string, ...params: unknown[]): Promise<number> {
  return (await sqlRow<{ n: number }>(h.server, sql, ...params))!.n;
}
