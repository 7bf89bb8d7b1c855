import { store as tenancyStore } from '../platform/tenancy/store.js';
import type { AuditLogRecord } from '../platform/tenancy/store.js';
import type { Viewer } from '../platform/tenancy/viewer.js';
import { builder } from './builder.js';
import { pageWindow, toConnection } from './connection.js';
import { toPage } from '../platform/pagination.js';
import { mapEvents } from './live.js';
import { requireAdmin } from './require-admin.js';

declare module '../platform/pubsub.js' {
  interface PubSubEvents {
    'audit:entry-added': { auditLogEntryId: string };
  }
}

export const RoleEnum = builder.enumType('Role', {
  description: 'What an API key may do.',
  values: {
    ADMIN: { description: 'Read everything in the sandbox and run every mutation.' },
    VIEWER: { description: 'Read and subscribe only.' },
  } as const,
});

interface Named {
  id: string;
  name: string;
}

/** Organization and Sandbox are nodes so caches can key them; node(id:) only ever finds the caller's own. */
const OrganizationRef = builder.node(builder.objectRef<Named>('Organization'), {
  description: 'The organization that owns the API key.',
  id: { resolve: (o) => o.id },
  loadOne: (id, ctx) => (id === ctx.viewer.organizationId ? { id, name: ctx.viewer.organizationName } : null),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Organization name.' }),
  }),
});

const SandboxRef = builder.node(builder.objectRef<Named>('Sandbox'), {
  description: 'The sandbox the API key is scoped to; everything the key sees lives here.',
  id: { resolve: (s) => s.id },
  loadOne: (id, ctx) => (id === ctx.viewer.sandboxId ? { id, name: ctx.viewer.sandboxName } : null),
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Sandbox name, e.g. prod.' }),
  }),
});

const ViewerRef = builder.objectRef<Viewer>('Viewer').implement({
  description: 'The caller, as identified by its API key.',
  fields: (t) => ({
    organization: t.field({
      type: OrganizationRef,
      description: "The key's organization.",
      resolve: (v) => ({ id: v.organizationId, name: v.organizationName }),
    }),
    sandbox: t.field({ type: SandboxRef, description: "The key's sandbox.", resolve: (v) => ({ id: v.sandboxId, name: v.sandboxName }) }),
    role: t.field({ type: RoleEnum, description: "The key's role.", resolve: (v) => v.role }),
    entitlements: t.stringList({ description: 'Entitlements of the organization, e.g. cjm_whatsapp.', resolve: (v) => v.entitlements }),
    apiKeyPrefix: t.exposeString('keyPrefix', { description: 'The visible prefix of the key in use.' }),
  }),
});

const AuditLogEntryRef = builder.objectRef<AuditLogRecord>('AuditLogEntry').implement({
  description: 'One mutation run in the sandbox: who, what, when, on which object, with what outcome.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Entry id.' }),
    at: t.expose('at', { type: 'DateTime', description: 'When it ran.' }),
    actor: t.exposeString('actor', { description: 'The API key prefix that ran it.' }),
    role: t.field({ type: RoleEnum, description: 'The role of that key.', resolve: (e) => e.role as 'ADMIN' | 'VIEWER' }),
    action: t.exposeString('action', { description: 'The mutation name.' }),
    objectType: t.exposeString('objectType', { nullable: true, description: 'The kind of object it acted on.' }),
    objectId: t.exposeString('objectId', { nullable: true, description: 'The id of that object.' }),
    outcome: t.exposeString('outcome', { description: 'SUCCESS, or the error code returned.' }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({
    type: ViewerRef,
    description: 'Who you are: organization, sandbox, role and entitlements of your API key.',
    resolve: (_root, _args, ctx) => ctx.viewer,
  }),
  auditLog: t.connection(
    {
      type: AuditLogEntryRef,
      description: 'Every mutation run in this sandbox, newest first (ADMIN only).',
      authScopes: { admin: true },
      resolve: async (_root, args, ctx) => {
        const window = pageWindow(args);
        const rows = await tenancyStore.listAuditEntries(ctx.deps.db, ctx.viewer.sandboxId, window);
        return toConnection(toPage(rows, window, await tenancyStore.countAuditEntries(ctx.deps.db, ctx.viewer.sandboxId)));
      },
    },
    { name: 'AuditLogEntryConnection', description: 'A page of audit log entries.' },
    { name: 'AuditLogEntryEdge', description: 'An audit log entry in a page.' },
  ),
}));

builder.subscriptionFields((t) => ({
  auditLogEntryAdded: t.field({
    type: AuditLogEntryRef,
    description: 'Each mutation run in this sandbox, as it is recorded (ADMIN only).',
    authScopes: { admin: true },
    subscribe: (_root, _args, ctx) => {
      // Field scopes run per event; refuse at subscribe time so a VIEWER learns at once.
      requireAdmin(ctx);
      return mapEvents(
        ctx.deps.pubsub.subscribe(ctx.viewer.sandboxId, 'audit:entry-added'),
        async (event) => (await tenancyStore.findAuditEntry(ctx.deps.db, ctx.viewer.sandboxId, event.auditLogEntryId)) ?? null,
      );
    },
    resolve: (entry) => entry,
  }),
}));
