import pg from 'pg';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatabaseLocation } from '../../src/core/config.js';
import { openDatabase } from '../../src/platform/db.js';
import { acmeInput, createCredential, DiscoverDoc } from '../credentials/helpers.js';
import { cleanup, IDS, rawId, startWorld } from '../helpers/world.js';
import { waitUntil } from '../helpers/wait.js';

// Graceful shutdown (issue 2, operations): stop() refuses new connections at once, lets the requests and jobs
// in flight finish (here both wait on a slow Meta), and closes the database only after them.

afterEach(cleanup);

describe('graceful shutdown', () => {
  it('finishes the request and the job in flight, refuses new connections, then closes the database', async () => {
    const { sim, h } = await startWorld();
    // Meta answers every call slowly: the credential check (a job) and the Continue step (a request) are in flight.
    sim.sim.injectFault({ path: '**', delayMs: 600, times: Infinity });
    const credentialId = await createCredential(h, acmeInput('slow check'));
    const discover = h.gql(DiscoverDoc, {
      input: { apiToken: IDS.token.systemUser, businessAccountId: IDS.business.acme },
    });
    const hits = () => sim.sim.faults.list().reduce((n, f) => n + f.hits, 0);
    await waitUntil(() => hits() >= 2, 5_000, 'both calls waiting at Meta');

    const stopping = h.server.stop();
    const fresh = new Agent();
    await expect(request(`${h.url}/healthz`, { dispatcher: fresh })).rejects.toThrow();
    await fresh.close();

    const answer = await discover;
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.discoverWhatsAppBusinessAccounts.__typename).toBe('DiscoverWhatsAppBusinessAccountsSuccess');
    await stopping;

    // The verification job ran to its end before the database closed: ACTIVE is stored.
    const stored = await readAfterStop(h.config.database, rawId(credentialId));
    expect(stored.status).toBe('ACTIVE');
    expect(stored.running).toBe(0);
  });
});

/** Reads the credential's status and the running jobs through a connection of its own (the service's is closed). */
async function readAfterStop(location: DatabaseLocation, credentialId: string): Promise<{ status?: string; running: number }> {
  const statusSql = 'SELECT status FROM whatsapp_api_credentials WHERE id = $1';
  const runningSql = "SELECT count(*)::int AS n FROM jobs WHERE status = 'running'";
  if (location.kind === 'postgres') {
    const client = new pg.Client({ connectionString: location.url });
    await client.connect();
    try {
      const status = (await client.query<{ status: string }>(statusSql, [credentialId])).rows[0]?.status;
      const running = (await client.query<{ n: number }>(runningSql)).rows[0]!.n;
      return { status, running };
    } finally {
      await client.end();
    }
  }
  const db = openDatabase(location.file);
  try {
    const row = db.sqlite.prepare(statusSql.replace('$1', '?')).get(credentialId) as { status: string } | undefined;
    const running = db.sqlite.prepare(runningSql.replace('::int', '')).pluck().get() as number;
    return { status: row?.status, running };
  } finally {
    db.close();
  }
}
