import { bigint, index, pgTable, text } from 'drizzle-orm/pg-core';
import { timestampMs } from '../pg/columns.js';

/**
 * Events too large for a NOTIFY payload (PostgreSQL's limit is 8,000 bytes): PgNotifyBus writes the event here
 * in the publishing transaction and notifies its id; every instance's listener reads the row. Rows are kept for
 * a while (every instance must be able to read them) and pruned by later large events. PostgreSQL only: the
 * SQLite mode delivers in process.
 */
export const busPayloads = pgTable(
  'bus_payloads',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** The event's wire entry, the JSON array [sandboxId, topic, payload], exactly as encoded. */
    entry: text('entry').notNull(),
    createdAt: timestampMs('created_at').notNull().defaultNow(),
  },
  (t) => [index('bus_payloads_created_idx').on(t.createdAt)],
);
