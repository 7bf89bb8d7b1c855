import { ConfigError, loadConfig } from './core/config.js';
import { simulatorGuide } from './meta-simulator/guide.js';
import { startServer } from './service/server.js';

/** Entry point: config -> database (migrations) -> app -> listen; graceful shutdown on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const running = await startServer({ config, bootstrap: true });
  if (running.bootstrapKey) {
    // Printed once, on stdout, outside the logger (whose redaction would hide it).
    console.log('');
    console.log('First start: created organization "default" (entitled cjm_whatsapp), sandbox "prod" and this ADMIN API key:');
    console.log('');
    console.log(`  ${running.bootstrapKey.key}`);
    console.log('');
    console.log(`It is shown only once. Open ${running.url}/graphql and add the header  Authorization: Bearer <key>`);
    console.log('');
  }
  if (running.simulator) {
    // Outside the logger, like the key: these are instructions to a person, meant to be copied.
    console.log(simulatorGuide(running.simulator.url).join('\n'));
    console.log('');
  }
  let shuttingDown = false;
  const shutdown = (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    running.deps.logger.info({ signal }, 'shutting down');
    running
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        console.error(err);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
