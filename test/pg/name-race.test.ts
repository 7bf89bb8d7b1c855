import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { pg } from '../helpers/pg.js';
import { acmeInput, CreateDoc } from '../credentials/helpers.js';
import { sqlValue } from '../helpers/sql.js';

/**
 * A name check then an insert: SQLite's single writer makes the pair atomic; on PostgreSQL two transactions can both
 * pass the check. The loser's insert fails on the unique index (23505), its transaction runs again (platform/db.ts),
 * and the check then answers with the same typed ConflictError a caller gets on SQLite — never a 500.
 */
describe.skipIf(!pg.available)(pg.title('the same name created concurrently on PostgreSQL'), () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ backend: 'pg', startJobs: false });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('eight creates of one name at once: one credential, seven ConflictErrors, no internal error', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => h.gql(CreateDoc, { input: acmeInput('Racy Name') })));
    expect(results.every((r) => r.errors === undefined)).toBe(true);
    const kinds = results.map((r) => r.data!.createWhatsAppApiCredential.__typename).sort();
    expect(kinds.filter((k) => k === 'CreateWhatsAppApiCredentialSuccess')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'ConflictError')).toHaveLength(7);
    expect(await sqlValue(h.server, 'SELECT count(*) FROM whatsapp_api_credentials WHERE name_key = ?', 'racy name')).toBe(1);
  });
});
