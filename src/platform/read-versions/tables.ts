import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Version counters of groups of tables (SQLite). Triggers written in the migration that creates this table
 * (drizzle/0004_read_versions.sql) add one to a group's counter in the same transaction as every insert, delete or
 * update of a table of the group, whoever writes it (this process, the CLI, a script with sqlite3): a reader that
 * finds the counter unchanged knows no committed write touched the group since it last looked.
 */
export const readVersions = sqliteTable('read_versions', {
  name: text('name').primaryKey(),
  version: integer('version').notNull(),
});
