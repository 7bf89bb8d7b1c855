import { eq } from 'drizzle-orm';
import type { PgDbOrTx, PgStoreOf } from '../../platform/pg/handle.js';
import type * as sqliteStore from './store.sqlite.js';
import type { AccountBlockRow } from './store.sqlite.js';
import { whatsappAccountBlocks } from './tables.pg.js';

/** The account-block store on PostgreSQL: the twin of store.sqlite.ts. */

export async function findBlock(db: PgDbOrTx, credentialId: string): Promise<AccountBlockRow | undefined> {
  const [row] = await db.select().from(whatsappAccountBlocks).where(eq(whatsappAccountBlocks.credentialId, credentialId)).limit(1);
  return row;
}

export async function putBlock(db: PgDbOrTx, row: AccountBlockRow): Promise<void> {
  const { credentialId: _key, ...rest } = row;
  await db.insert(whatsappAccountBlocks).values(row).onConflictDoUpdate({ target: whatsappAccountBlocks.credentialId, set: rest });
}

export async function deleteBlock(db: PgDbOrTx, credentialId: string): Promise<boolean> {
  const result = await db.delete(whatsappAccountBlocks).where(eq(whatsappAccountBlocks.credentialId, credentialId));
  return (result.rowCount ?? 0) > 0;
}

export const pgStore = { findBlock, putBlock, deleteBlock } satisfies PgStoreOf<typeof sqliteStore>;
