import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { execute, GraphQLError, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import '../../src/graphql/tenant-guard.js';
import { getSchema } from '../../src/service/schema.js';

/**
 * The tenant guard's fast path (src/graphql/tenant-guard.ts) lets a row of the caller's sandbox through without
 * scope-auth and hands everything else to scope-auth. Two schemas, the same but for that plugin, must answer every
 * query alike: rows of both sandboxes, in lists, nullable references, through the Node interface and a union, and
 * types whose scope map is not the plain `{ sandbox }` one.
 */

interface Row {
  id: string;
  sandboxId: string;
  kind: 'thing' | 'other';
}
interface Ctx {
  viewer: { sandboxId: string; role: 'ADMIN' | 'VIEWER' };
}

const ROWS: Row[] = [
  { id: 'a1', sandboxId: 'A', kind: 'thing' },
  { id: 'b1', sandboxId: 'B', kind: 'thing' },
  { id: 'a2', sandboxId: 'A', kind: 'other' },
  { id: 'b2', sandboxId: 'B', kind: 'other' },
];

function buildSchema(withFastPath: boolean) {
  const builder = new SchemaBuilder<{
    Context: Ctx;
    AuthScopes: { admin: boolean; sandbox: string };
  }>({
    plugins: withFastPath ? [RelayPlugin, 'tenantGuard', ScopeAuthPlugin] : [RelayPlugin, ScopeAuthPlugin],
    relay: {},
    scopeAuth: {
      authScopes: (ctx: Ctx) => ({ admin: ctx.viewer.role === 'ADMIN', sandbox: (id: string) => id === ctx.viewer.sandboxId }),
      unauthorizedError: () => new GraphQLError('Not found', { extensions: { code: 'NOT_FOUND' } }),
    },
  } as never);
  const Thing = builder.node(builder.objectRef<Row>('Thing'), {
    id: { resolve: (r) => r.id },
    authScopes: (r) => ({ sandbox: r.sandboxId }),
    runScopesOnType: true,
    isTypeOf: undefined,
    loadOne: (id) => ROWS.find((r) => r.id === id && r.kind === 'thing') ?? null,
    fields: (t) => ({ sandboxId: t.exposeString('sandboxId') }),
  });
  // Not the plain sandbox map: ADMIN or the sandbox. The fast path must leave it to scope-auth.
  const Other = builder.node(builder.objectRef<Row>('Other'), {
    id: { resolve: (r) => r.id },
    authScopes: (r) => ({ sandbox: r.sandboxId, admin: true }),
    runScopesOnType: true,
    loadOne: (id) => ROWS.find((r) => r.id === id && r.kind === 'other') ?? null,
    fields: (t) => ({ sandboxId: t.exposeString('sandboxId') }),
  });
  const Either = builder.unionType('Either', {
    types: [Thing, Other],
    resolveType: (r) => (r.kind === 'thing' ? 'Thing' : 'Other'),
  });
  builder.queryType({
    fields: (t) => ({
      things: t.field({ type: [Thing], nullable: { list: false, items: true }, resolve: () => ROWS.filter((r) => r.kind === 'thing') }),
      thing: t.field({
        type: Thing,
        nullable: true,
        args: { id: t.arg.string({ required: true }) },
        resolve: (_r, a) => ROWS.find((r) => r.id === a.id),
      }),
      strictThings: t.field({ type: [Thing], resolve: () => ROWS.filter((r) => r.kind === 'thing') }),
      others: t.field({ type: [Other], nullable: { list: false, items: true }, resolve: () => ROWS.filter((r) => r.kind === 'other') }),
      either: t.field({ type: [Either], nullable: { list: false, items: true }, resolve: () => ROWS }),
      anyNode: t.field({
        type: builder.nodeInterfaceRef(),
        nullable: true,
        args: { id: t.arg.string({ required: true }) },
        resolve: (_r, a) => ROWS.find((r) => r.id === a.id) as never,
      }),
    }),
  });
  return builder.toSchema();
}

const QUERY = parse(`{
  things { id sandboxId }
  strictThings { id }
  a: thing(id: "a1") { id } b: thing(id: "b1") { id }
  others { id sandboxId }
  either { __typename ... on Thing { id } ... on Other { id } }
  na: anyNode(id: "a1") { id } nb: anyNode(id: "b1") { id } no: anyNode(id: "b2") { id }
}`);

const VIEWERS: Ctx['viewer'][] = [
  { sandboxId: 'A', role: 'VIEWER' },
  { sandboxId: 'B', role: 'VIEWER' },
  { sandboxId: 'A', role: 'ADMIN' },
  { sandboxId: 'C', role: 'VIEWER' },
];

async function run(schema: ReturnType<typeof buildSchema>, viewer: Ctx['viewer']) {
  const result = await execute({ schema, document: QUERY, contextValue: { viewer } });
  return JSON.parse(JSON.stringify(result)) as { data: Record<string, unknown>; errors?: { path: unknown[]; extensions: unknown }[] };
}

describe('the tenant guard fast path', () => {
  const fast = buildSchema(true);
  const plain = buildSchema(false);

  it.each(VIEWERS)('answers exactly as scope-auth alone for %o', async (viewer) => {
    const [withPath, without] = await Promise.all([run(fast, viewer), run(plain, viewer)]);
    expect(withPath).toEqual(without);
  });

  it("refuses another sandbox's rows (lists, references, strict lists) and lets the caller's through", async () => {
    const result = await run(fast, { sandboxId: 'A', role: 'VIEWER' });
    expect(result.data.things).toEqual([{ id: 'VGhpbmc6YTE=', sandboxId: 'A' }, null]);
    expect(result.data.a).toEqual({ id: 'VGhpbmc6YTE=' });
    expect(result.data.b).toBeNull();
    expect(result.data.strictThings).toBeNull(); // a non-null item refused: the whole list is null
    expect(result.data.others).toEqual([{ id: 'T3RoZXI6YTI=', sandboxId: 'A' }, null]);
    expect(result.data.nb).toBeNull();
    const codes = (result.errors ?? []).map((e) => [JSON.stringify(e.path), (e.extensions as { code?: string } | undefined)?.code]);
    expect(codes).toEqual(
      expect.arrayContaining([
        ['["things",1]', 'NOT_FOUND'],
        ['["b"]', 'NOT_FOUND'],
        ['["strictThings",1]', 'NOT_FOUND'],
        ['["others",1]', 'NOT_FOUND'],
      ]),
    );
  });

  it('is in the service schema: the guarded node types of the API carry it', () => {
    // The service's types are built with the plugin, so a guarded type's isTypeOf is the fast path's wrapper.
    const type = getSchema().getType('ChannelConfiguration') as { isTypeOf?: { toString(): string } };
    expect(type.isTypeOf?.toString()).toContain('typeScopes(parent, ctx)');
  });
});
