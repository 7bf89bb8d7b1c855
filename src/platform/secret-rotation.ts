import type Sqlite from 'better-sqlite3';
import type { SecretBox } from './secrets.js';

/** A column holding SecretBox values; its AAD is { table, column, rowId }. */
export interface SecretColumn {
  table: string;
  idColumn: string;
  column: string;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/**
 * Re-encrypts every stored secret under the new box's current key, in one
 * transaction: either every value moves to the new key or none does.
 * Afterwards the old key is no longer needed.
 */
export function rotateSecrets(sqlite: Sqlite.Database, columns: SecretColumn[], from: SecretBox, to: SecretBox): number {
  for (const c of columns) {
    if (![c.table, c.idColumn, c.column].every((n) => IDENT.test(n))) throw new Error(`bad secret column ${JSON.stringify(c)}`);
  }
  const run = sqlite.transaction(() => {
    let count = 0;
    for (const c of columns) {
      const rows = sqlite
        .prepare(`SELECT "${c.idColumn}" AS id, "${c.column}" AS value FROM "${c.table}" WHERE "${c.column}" IS NOT NULL`)
        .all() as Array<{ id: string; value: string }>;
      const update = sqlite.prepare(`UPDATE "${c.table}" SET "${c.column}" = ? WHERE "${c.idColumn}" = ?`);
      for (const row of rows) {
        const aad = { table: c.table, column: c.column, rowId: row.id };
        update.run(to.encrypt(from.decrypt(row.value, aad), aad), row.id);
        count += 1;
      }
    }
    return count;
  });
  return run.immediate();
}

/** Counts stored secrets per key id (operators check nothing still uses a key before retiring it). */
export function secretKeyUsage(sqlite: Sqlite.Database, columns: SecretColumn[]): Record<string, number> {
  const usage: Record<string, number> = {};
  for (const c of columns) {
    const rows = sqlite.prepare(`SELECT "${c.column}" AS value FROM "${c.table}" WHERE "${c.column}" IS NOT NULL`).all() as Array<{
      value: string;
    }>;
    for (const row of rows) {
      const kid = row.value.split('.')[1] ?? '?';
      usage[kid] = (usage[kid] ?? 0) + 1;
    }
  }
  return usage;
}
