import { bigint, boolean, doublePrecision, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/**
 * The PostgreSQL fallback's pacing state (PgPacingStore), only on PostgreSQL: SQLite mode paces in memory.
 * Both tables are UNLOGGED (the migration says so; drizzle-kit cannot): they are written at the send rate,
 * need no WAL, and a crash truncates them, after which every key is unseeded and refilled from the messages.
 */
export const pacingState = pgTable('pacing_state', {
  key: text('key').primaryKey(),
  /** The next grant id. */
  nextSeq: bigint('next_seq', { mode: 'number' }).notNull().default(1),
  /** Epoch ms on the database's clock; 0 when never paused. */
  pausedUntil: doublePrecision('paused_until').notNull().default(0),
  /** False until seed() filled the log from the recent sends. */
  seeded: boolean('seeded').notNull().default(false),
});

/** The sliding log: one row per grant, its time in epoch ms on the database's clock (clock_timestamp()). */
export const pacingGrants = pgTable(
  'pacing_grants',
  {
    key: text('key').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    at: doublePrecision('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.seq] }), index('pacing_grants_key_at_idx').on(t.key, t.at)],
);
