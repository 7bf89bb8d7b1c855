import { and, asc, eq, inArray } from 'drizzle-orm';
import type { PgDbOrTx, PgStoreOf } from '../platform/pg/handle.js';
import type * as sqliteStore from './store.sqlite.js';
import type { ChannelGeneralSettingsRecord, MarketingActionRecord } from './store.sqlite.js';
import { channelGeneralSettings, marketingActions } from './tables.pg.js';

/** The settings store on PostgreSQL: store.ts's functions and records, over tables.pg.ts. */

export async function findGeneralSettings(db: PgDbOrTx, sandboxId: string): Promise<ChannelGeneralSettingsRecord | undefined> {
  const [row] = await db.select().from(channelGeneralSettings).where(eq(channelGeneralSettings.sandboxId, sandboxId)).limit(1);
  return row;
}

export async function upsertGeneralSettings(db: PgDbOrTx, row: ChannelGeneralSettingsRecord): Promise<void> {
  await db
    .insert(channelGeneralSettings)
    .values(row)
    .onConflictDoUpdate({
      target: channelGeneralSettings.sandboxId,
      set: { whatsAppExecutionField: row.whatsAppExecutionField, updatedAt: row.updatedAt },
    });
}

export async function listMarketingActions(db: PgDbOrTx, sandboxId: string): Promise<MarketingActionRecord[]> {
  return db.select().from(marketingActions).where(eq(marketingActions.sandboxId, sandboxId)).orderBy(asc(marketingActions.id));
}

/** Unordered, as on SQLite (the caller looks actions up by id). One `= ANY`-style list instead of json_each. */
export async function findMarketingActionsByIds(db: PgDbOrTx, sandboxId: string, ids: string[]): Promise<MarketingActionRecord[]> {
  if (!ids.length) return [];
  return db
    .select()
    .from(marketingActions)
    .where(and(eq(marketingActions.sandboxId, sandboxId), inArray(marketingActions.id, ids)));
}

export async function findMarketingActionByKey(db: PgDbOrTx, sandboxId: string, key: string): Promise<MarketingActionRecord | undefined> {
  const [row] = await db
    .select()
    .from(marketingActions)
    .where(and(eq(marketingActions.sandboxId, sandboxId), eq(marketingActions.key, key)))
    .limit(1);
  return row;
}

export async function insertMarketingAction(db: PgDbOrTx, row: MarketingActionRecord, ignoreDuplicate = false): Promise<void> {
  const q = db.insert(marketingActions).values(row);
  await (ignoreDuplicate ? q.onConflictDoNothing() : q);
}

export const pgStore = {
  findGeneralSettings,
  upsertGeneralSettings,
  listMarketingActions,
  findMarketingActionsByIds,
  findMarketingActionByKey,
  insertMarketingAction,
} satisfies PgStoreOf<typeof sqliteStore>;
