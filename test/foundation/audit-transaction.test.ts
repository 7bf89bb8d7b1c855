import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TEST_BACKEND, type Harness } from '../helpers/harness.js';
import { sqlRows, sqlRun, sqlValue } from '../helpers/sql.js';
import { walCommits } from '../helpers/wal-commits.js';

/**
 * A mutation's audit row is written in the mutation's own transaction: the change and the row that records it commit
 * together or not at all. The database refuses writes through triggers here (a full disk or a broken row would do the
 * same). On SQLite the WAL shows how many transactions a mutation committed; on PostgreSQL each row's xmin names the
 * transaction that wrote it.
 */

const CREATE_ACTION = `mutation ($input: CreateMarketingActionInput!) {
  createMarketingAction(input: $input) { __typename ... on CreateMarketingActionSuccess { data { id } } }
}`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // Seeds the sandbox's catalog and writes the key's last-used time, so that the mutations below write only their own.
  await createAction('warm_up');
});
afterAll(async () => h?.stop());

async function createAction(key: string): Promise<{ typename?: string; id?: string; errors?: unknown }> {
  const res = await h.post({ query: CREATE_ACTION, variables: { input: { key, name: key } } }, { authorization: `Bearer ${h.adminKey}` });
  const body = JSON.parse(res.body) as {
    data?: { createMarketingAction: { __typename: string; data?: { id: string } } | null };
    errors?: unknown;
  };
  return { typename: body.data?.createMarketingAction?.__typename, id: body.data?.createMarketingAction?.data?.id, errors: body.errors };
}

/**
 * Creates an action while the database refuses the inserts into `table` that `condition` (on NEW) selects: a trigger,
 * dropped afterwards. PostgreSQL's trigger needs a function that raises.
 */
async function createActionRefused(key: string, table: string, condition: string): ReturnType<typeof createAction> {
  if (TEST_BACKEND === 'pg') {
    await sqlRun(
      h.server,
      "CREATE FUNCTION refuse_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the database'; END $$",
    );
    await sqlRun(
      h.server,
      `CREATE TRIGGER refuse_write BEFORE INSERT ON ${table} FOR EACH ROW WHEN (${condition}) EXECUTE FUNCTION refuse_write()`,
    );
  } else {
    await sqlRun(
      h.server,
      `CREATE TRIGGER refuse_write BEFORE INSERT ON ${table} WHEN ${condition} BEGIN SELECT RAISE(ABORT, 'refused by the database'); END`,
    );
  }
  try {
    return await createAction(key);
  } finally {
    if (TEST_BACKEND === 'pg') {
      await sqlRun(h.server, `DROP TRIGGER refuse_write ON ${table}`);
      await sqlRun(h.server, 'DROP FUNCTION refuse_write()');
    } else {
      await sqlRun(h.server, 'DROP TRIGGER refuse_write');
    }
  }
}

const actionsWithKey = (key: string) => sqlValue<number>(h.server, 'SELECT count(*) AS n FROM marketing_actions WHERE key = ?', key);
const auditRows = (action: string) =>
  sqlRows<{ objectId: string | null; outcome: string }>(
    h.server,
    'SELECT object_id AS "objectId", outcome FROM audit_log WHERE action = ? ORDER BY id',
    action,
  );

/** SQLite: the mutation commits once (the WAL's commit frames are counted around it). */
async function expectOneWalCommit(mutate: () => Promise<void>): Promise<void> {
  const file = h.server.sqlite!.name;
  // The checkpointer runs meanwhile. A reader whose snapshot predates the last commit keeps that commit from being
  // copied into the database, so the WAL cannot restart and its commit frames can be counted across the mutation.
  const reader = new Sqlite(file, { readonly: true });
  try {
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM audit_log').get();
    h.server.sqlite!.pragma('user_version = 1');
    const before = walCommits(file);
    await mutate();
    // One commit: the marketing action and its audit row (writing the row afterwards made it two).
    expect(walCommits(file) - before).toBe(1);
    reader.exec('COMMIT');
  } finally {
    reader.close();
  }
}

describe('audit rows commit with the change they record', () => {
  it('a successful mutation commits its change and its audit row in one transaction', async () => {
    const mutate = async () => {
      const created = await createAction('together');
      expect(created.typename).toBe('CreateMarketingActionSuccess');
    };
    if (TEST_BACKEND === 'pg') {
      await mutate();
      // PostgreSQL stamps every row with the transaction that wrote it (xmin): the action and its audit row share one.
      const action = await sqlValue<string>(h.server, "SELECT xmin::text FROM marketing_actions WHERE key = 'together'");
      const audit = await sqlValue<string>(
        h.server,
        "SELECT xmin::text FROM audit_log WHERE action = 'createMarketingAction' ORDER BY id DESC LIMIT 1",
      );
      expect(audit).toBeDefined();
      expect(audit).toBe(action);
    } else {
      await expectOneWalCommit(mutate);
    }
    expect(await actionsWithKey('together')).toBe(1);
    const rows = await auditRows('createMarketingAction');
    expect(rows.at(-1)).toEqual({ objectId: expect.any(String), outcome: 'SUCCESS' });
  });

  it('when the audit row cannot be written, the change rolls back with it: neither is stored', async () => {
    const before = (await auditRows('createMarketingAction')).length;
    const res = await createActionRefused('unaudited', 'audit_log', "NEW.action = 'createMarketingAction'");
    expect(res.typename).toBeUndefined();
    expect(res.errors).toBeDefined();
    expect(await actionsWithKey('unaudited')).toBe(0);
    expect(await auditRows('createMarketingAction')).toHaveLength(before);
  });

  it('a change that rolls back leaves no SUCCESS row, only the outcome the caller got', async () => {
    const before = (await auditRows('createMarketingAction')).length;
    const res = await createActionRefused('refused', 'marketing_actions', "NEW.key = 'refused'");
    expect(res.errors).toBeDefined();
    expect(await actionsWithKey('refused')).toBe(0);
    expect((await auditRows('createMarketingAction')).slice(before)).toEqual([{ objectId: null, outcome: 'ERROR' }]);
  });
});
