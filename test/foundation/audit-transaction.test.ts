import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { walCommits } from '../helpers/wal-commits.js';

/**
 * A mutation's audit row is written in the mutation's own transaction: the change and the row that records it commit
 * together or not at all. The database refuses writes through triggers here (a full disk or a broken row would do the
 * same); the WAL shows how many transactions a mutation committed.
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

/** Creates an action while the database refuses the writes that `when` names (a trigger, dropped afterwards). */
async function createActionRefused(key: string, when: string): ReturnType<typeof createAction> {
  const sqlite = h.server.sqlite!;
  sqlite.exec(`CREATE TRIGGER refuse_write ${when} BEGIN SELECT RAISE(ABORT, 'refused by the database'); END`);
  try {
    return await createAction(key);
  } finally {
    sqlite.exec('DROP TRIGGER refuse_write');
  }
}

const actionsWithKey = (key: string) =>
  (h.server.sqlite!.prepare('SELECT count(*) AS n FROM marketing_actions WHERE key = ?').get(key) as { n: number }).n;
const auditRows = (action: string) =>
  h.server.sqlite!.prepare('SELECT object_id AS objectId, outcome FROM audit_log WHERE action = ? ORDER BY id').all(action) as Array<{
    objectId: string | null;
    outcome: string;
  }>;

describe('audit rows commit with the change they record', () => {
  it('a successful mutation commits its change and its audit row in one transaction', async () => {
    const file = h.server.sqlite!.name;
    // The checkpointer runs meanwhile. A reader whose snapshot predates the last commit keeps that commit from being
    // copied into the database, so the WAL cannot restart and its commit frames can be counted across the mutation.
    const reader = new Sqlite(file, { readonly: true });
    try {
      reader.exec('BEGIN');
      reader.prepare('SELECT count(*) FROM audit_log').get();
      h.server.sqlite!.pragma('user_version = 1');
      const before = walCommits(file);
      const created = await createAction('together');
      expect(created.typename).toBe('CreateMarketingActionSuccess');
      // One commit: the marketing action and its audit row (writing the row afterwards made it two).
      expect(walCommits(file) - before).toBe(1);
      reader.exec('COMMIT');
    } finally {
      reader.close();
    }
    expect(actionsWithKey('together')).toBe(1);
    const rows = auditRows('createMarketingAction');
    expect(rows.at(-1)).toEqual({ objectId: expect.any(String), outcome: 'SUCCESS' });
  });

  it('when the audit row cannot be written, the change rolls back with it: neither is stored', async () => {
    const before = auditRows('createMarketingAction').length;
    const res = await createActionRefused('unaudited', "BEFORE INSERT ON audit_log WHEN NEW.action = 'createMarketingAction'");
    expect(res.typename).toBeUndefined();
    expect(res.errors).toBeDefined();
    expect(actionsWithKey('unaudited')).toBe(0);
    expect(auditRows('createMarketingAction')).toHaveLength(before);
  });

  it('a change that rolls back leaves no SUCCESS row, only the outcome the caller got', async () => {
    const before = auditRows('createMarketingAction').length;
    const res = await createActionRefused('refused', "BEFORE INSERT ON marketing_actions WHEN NEW.key = 'refused'");
    expect(res.errors).toBeDefined();
    expect(actionsWithKey('refused')).toBe(0);
    expect(auditRows('createMarketingAction').slice(before)).toEqual([{ objectId: null, outcome: 'ERROR' }]);
  });
});
