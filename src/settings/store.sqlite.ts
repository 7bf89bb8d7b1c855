import { and, asc, eq, sql } from 'drizzle-orm';
import { inJsonList, prepared } from '../platform/prepared.js';
import type { SqliteDbOrTx as DbOrTx } from '../platform/sqlite.js';
import { channelGeneralSettings, marketingActions } from './tables.js';

export type MarketingActionRecord = typeof marketingActions.$inferSelect;
export type ChannelGeneralSettingsRecord = typeof channelGeneralSettings.$inferSelect;

export function findGeneralSettings(db: DbOrTx, sandboxId: string): ChannelGeneralSettingsRecord | undefined {
  return prepared(db, 'settings.findGeneralSettings', (d) =>
    d
      .select()
      .from(channelGeneralSettings)
      .where(eq(channelGeneralSettings.sandboxId, sql.placeholder('sandboxId')))
      .prepare(),
  ).get({ sandboxId });
}

export function upsertGeneralSettings(db: DbOrTx, row: ChannelGeneralSettingsRecord): void {
  db.insert(channelGeneralSettings)
    .values(row)
    .onConflictDoUpdate({
      target: channelGeneralSettings.sandboxId,
      set: { whatsAppExecutionField: row.whatsAppExecutionField, updatedAt: row.updatedAt },
    })
    .run();
}

export function listMarketingActions(db: DbOrTx, sandboxId: string): MarketingActionRecord[] {
  return db.select().from(marketingActions).where(eq(marketingActions.sandboxId, sandboxId)).orderBy(asc(marketingActions.id)).all();
}

export function findMarketingActionsByIds(db: DbOrTx, sandboxId: string, ids: string[]): MarketingActionRecord[] {
  if (!ids.length) return [];
  return prepared(db, 'settings.findMarketingActionsByIds', (d) =>
    d
      .select()
      .from(marketingActions)
      .where(and(eq(marketingActions.sandboxId, sql.placeholder('sandboxId')), inJsonList(marketingActions.id, 'ids')))
      .prepare(),
  ).all({ sandboxId, ids: JSON.stringify(ids) });
}

export function findMarketingActionByKey(db: DbOrTx, sandboxId: string, key: string): MarketingActionRecord | undefined {
  return db
    .select()
    .from(marketingActions)
    .where(and(eq(marketingActions.sandboxId, sandboxId), eq(marketingActions.key, key)))
    .get();
}

export function insertMarketingAction(db: DbOrTx, row: MarketingActionRecord, ignoreDuplicate = false): void {
  const q = db.insert(marketingActions).values(row);
  (ignoreDuplicate ? q.onConflictDoNothing() : q).run();
}
