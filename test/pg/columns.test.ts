import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whatsappApiCredentials } from '../../src/credentials/tables.pg.js';
import { openPg, type PgDatabase } from '../../src/platform/pg/database.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import { migratePg } from '../../src/platform/pg/migrate.js';
import { organizations, sandboxes } from '../../src/platform/tenancy/tables.pg.js';
import { webhookDeliveries, whatsappWebhooks } from '../../src/webhooks/tables.pg.js';
import { PG_ADMIN_URL, pg } from '../helpers/pg.js';

/** The column mappings of platform/pg/columns.ts on a real server: what is written is read back as the same value. */
describe.skipIf(!pg.available)(pg.title('PostgreSQL column mappings round-trip'), () => {
  const schema = { organizations, sandboxes, whatsappApiCredentials, whatsappWebhooks, webhookDeliveries };
  let fresh: FreshPgDatabase;
  let database: PgDatabase<typeof schema>;

  beforeAll(async () => {
    fresh = await createFreshPgDatabase(PG_ADMIN_URL);
    database = await openPg(fresh.url, { schema, poolSize: 2 });
    await migratePg(database.pool);
  });
  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  it('timestamps keep their milliseconds, json its structure, booleans and null, bytea every byte', async () => {
    const { db } = database;
    const at = new Date(Date.UTC(2026, 11, 7, 8, 1, 2, 345));
    await db.insert(organizations).values({ id: 'o1', name: 'acme', createdAt: at });
    const [org] = await db.select().from(organizations);
    // The default '[]'::jsonb reads back as an empty array, as SQLite's '[]' does.
    expect(org).toEqual({ id: 'o1', name: 'acme', entitlements: [], createdAt: at });
    await db.insert(sandboxes).values({ id: 's1', organizationId: 'o1', name: 'prod', createdAt: at });

    const credential = {
      id: 'c1',
      sandboxId: 's1',
      name: 'Main',
      nameKey: 'main',
      businessAccountId: 'b',
      wabaId: 'w',
      wabaName: null,
      wabaOwnership: 'OWNED' as const,
      phoneNumberId: 'p',
      displayPhoneNumber: null,
      verifiedName: null,
      qualityRating: 'GREEN' as const,
      throughputLevel: 'STANDARD' as const,
      messagesPerSecond: 80,
      messagingLimitTier: null,
      phoneStatus: null,
      canSendMessage: false,
      apiTokenEnc: 'enc',
      apiTokenLast4: 'abcd',
      apiTokenType: null,
      apiTokenExpiresAt: null,
      apiTokenScopes: ['whatsapp_business_messaging'],
      appId: null,
      status: 'ACTIVE' as const,
      previousStatus: null,
      statusMessage: null,
      statusVersion: 1,
      statusChangedAt: new Date(at.getTime() + 1),
      warnings: [{ code: 'W', message: 'quoted "text", ünïcode and \\ backslash' }],
      phoneNumberRefreshedAt: null,
      createdAt: at,
      updatedAt: at,
    };
    await db.insert(whatsappApiCredentials).values(credential);
    expect(await db.select().from(whatsappApiCredentials)).toEqual([credential]);
    await db.update(whatsappApiCredentials).set({ canSendMessage: null }).where(eq(whatsappApiCredentials.id, 'c1'));
    expect((await db.select().from(whatsappApiCredentials))[0]!.canSendMessage).toBeNull();

    await db.insert(whatsappWebhooks).values({
      id: 'h1',
      sandboxId: 's1',
      name: 'Hook',
      nameKey: 'hook',
      credentialId: 'c1',
      pathId: 'path',
      verifyTokenEnc: 'v',
      verifyTokenHash: 'vh',
      verifyTokenLast4: 'v4',
      appSecretEnc: 'a',
      appSecretLast4: 'a4',
      keywordRules: [],
      createdAt: at,
      updatedAt: at,
    });
    // Every byte value, including NUL and invalid UTF-8: the body is kept exactly as Meta signed it.
    const body = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    await db
      .insert(webhookDeliveries)
      .values({ id: 'd1', sandboxId: 's1', webhookId: 'h1', receivedAt: at, body, bodySha256: 'x', outcome: 'PENDING' });
    const [delivery] = await db.select().from(webhookDeliveries);
    expect(Buffer.isBuffer(delivery!.body)).toBe(true);
    expect(delivery!.body.equals(body)).toBe(true);
    expect(delivery).toMatchObject({ attempts: 0, changes: null, receivedAt: at, processedAt: null });
  });
});
