import { eq } from 'drizzle-orm';
import type { SqliteDbOrTx as DbOrTx } from '../../platform/sqlite.js';
import { whatsappAccountBlocks } from './tables.js';

export type AccountBlockRow = typeof whatsappAccountBlocks.$inferSelect;

export function findBlock(db: DbOrTx, credentialId: string): AccountBlockRow | undefined {
  return db.select().from(whatsappAccountBlocks).where(eq(whatsappAccountBlocks.credentialId, credentialId)).get();
}

export function putBlock(db: DbOrTx, row: AccountBlockRow): void {
  const { credentialId: _key, ...rest } = row;
  db.insert(whatsappAccountBlocks).values(row).onConflictDoUpdate({ target: whatsappAccountBlocks.credentialId, set: rest }).run();
}

export function deleteBlock(db: DbOrTx, credentialId: string): boolean {
  return db.delete(whatsappAccountBlocks).where(eq(whatsappAccountBlocks.credentialId, credentialId)).run().changes > 0;
}
