import { sql } from 'drizzle-orm';
import { inTransaction, type DbOrTx, type Tx } from './db.js';
import type { SecretBox } from './secrets.js';

/** A column holding SecretBox values; its AAD is { table, column, rowId }. */
export interface SecretColumn {
  table: string;
  idColumn: string;
  column: string;
}

/** Stored secrets per key id: { kid: how many values it encrypts }. */
export type SecretKeyUsage = Record<string, number>;

export interface RotateOptions {
  /**
   * Runs inside the rotation's transaction, after every value moved, with the key usage read there: if it throws,
   * the transaction rolls back and nothing moved (the CLI refuses to retire a key some value still uses).
   */
  verify?: (usage: SecretKeyUsage) => Promise<void> | void;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** Identifiers are spliced into the SQL (they cannot be bound): only plain lower-case names pass. */
function checkColumns(columns: SecretColumn[]): void {
  for (const c of columns) {
    if (![c.table, c.idColumn, c.column].every((n) => IDENT.test(n))) throw new Error(`bad secret column ${JSON.stringify(c)}`);
  }
}

/** The non-null values of one column, with their row ids, read in the transaction. */
async function readColumn(tx: Tx, c: SecretColumn): Promise<Array<{ id: string; value: string }>> {
  const text = `SELECT "${c.idColumn}" AS id, "${c.column}" AS value FROM "${c.table}" WHERE "${c.column}" IS NOT NULL`;
  if (tx.backend === 'sqlite') return tx.gate.sqlite.prepare(text).all() as Array<{ id: string; value: string }>;
  const { rows } = await tx.execute<{ id: string; value: string }>(sql.raw(text));
  return rows;
}

async function writeValue(tx: Tx, c: SecretColumn, id: string, value: string): Promise<void> {
  if (tx.backend === 'sqlite') {
    tx.gate.sqlite.prepare(`UPDATE "${c.table}" SET "${c.column}" = ? WHERE "${c.idColumn}" = ?`).run(value, id);
    return;
  }
  await tx.execute(
    sql`UPDATE ${sql.identifier(c.table)} SET ${sql.identifier(c.column)} = ${value} WHERE ${sql.identifier(c.idColumn)} = ${id}`,
  );
}

/**
 * On PostgreSQL, other instances keep writing while the rotation runs: without a lock, a credential inserted under
 * the old key after its table was read would stay under a key the operator is about to retire. SHARE ROW EXCLUSIVE
 * lets readers through but makes every insert, update and delete on the secret tables wait for the commit. SQLite
 * needs nothing: the transaction holds the write lock (BEGIN IMMEDIATE) and the gate from the start.
 */
async function lockSecretTables(tx: Tx, columns: SecretColumn[]): Promise<void> {
  if (tx.backend === 'sqlite') return;
  const tables = [...new Set(columns.map((c) => c.table))].sort();
  if (!tables.length) return;
  await tx.execute(sql.raw(`LOCK TABLE ${tables.map((t) => `"${t}"`).join(', ')} IN SHARE ROW EXCLUSIVE MODE`));
}

async function usageIn(tx: Tx, columns: SecretColumn[]): Promise<SecretKeyUsage> {
  const usage: SecretKeyUsage = {};
  for (const c of columns) {
    for (const row of await readColumn(tx, c)) {
      const kid = row.value.split('.')[1] ?? '?';
      usage[kid] = (usage[kid] ?? 0) + 1;
    }
  }
  return usage;
}

/**
 * Re-encrypts every stored secret under the new box's current key, in one
 * transaction: either every value moves to the new key or none does.
 * Afterwards the old key is no longer needed.
 */
export async function rotateSecrets(
  db: DbOrTx,
  columns: SecretColumn[],
  from: SecretBox,
  to: SecretBox,
  options: RotateOptions = {},
): Promise<number> {
  checkColumns(columns);
  return inTransaction(db, async (tx) => {
    await lockSecretTables(tx, columns);
    let count = 0;
    for (const c of columns) {
      for (const row of await readColumn(tx, c)) {
        const aad = { table: c.table, column: c.column, rowId: row.id };
        await writeValue(tx, c, row.id, to.encrypt(from.decrypt(row.value, aad), aad));
        count += 1;
      }
    }
    if (options.verify) await options.verify(await usageIn(tx, columns));
    return count;
  });
}

/** Counts stored secrets per key id (operators check nothing still uses a key before retiring it); one snapshot. */
export async function secretKeyUsage(db: DbOrTx, columns: SecretColumn[]): Promise<SecretKeyUsage> {
  checkColumns(columns);
  return inTransaction(db, (tx) => usageIn(tx, columns));
}
