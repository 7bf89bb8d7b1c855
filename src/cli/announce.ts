import type { Config } from '../core/config.js';
import { SYSTEM_SANDBOX } from '../platform/pubsub.js';
import type { RevocationAnnouncer } from '../platform/tenancy/service.js';

/**
 * How the CLI tells running instances that it revoked a key. On PostgreSQL: the bus's NOTIFY inside the revoking
 * transaction (the CLI only sends; it does not LISTEN), so every instance ends the key's live streams at its COMMIT.
 * On SQLite the service is another process with no channel to it: its periodic key check
 * (STREAM_KEY_RECHECK_MS) ends them.
 */
export async function revocationAnnouncer(config: Config): Promise<RevocationAnnouncer | undefined> {
  const setting = config.database;
  if (setting.kind !== 'postgres') return undefined;
  // Loaded only for PostgreSQL, like the driver.
  const [{ PgNotifyBus }, { TxEvents }, { PubSub }] = await Promise.all([
    import('../platform/bus/pg-notify.js'),
    import('../platform/bus/bus.js'),
    import('../platform/pubsub.js'),
  ]);
  // Never started: beforeCommit only writes the NOTIFY into the given transaction.
  const bus = new PgNotifyBus({ url: setting.url, pubsub: new PubSub(), applicationName: 'wcs-cli' });
  return async (tx, apiKeyId) => {
    if (tx.backend !== 'pg') return;
    const events = new TxEvents();
    events.notify(SYSTEM_SANDBOX, 'api-key:revoked', { apiKeyId });
    await bus.beforeCommit(tx, events);
  };
}
