// Starts the simulator on a real node:http server. `npm start` runs it
// in-process when no real Meta is configured; tests use an ephemeral port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetaLogger } from '../meta/types.js';
import { handleRequest, writeJson } from './http-handler.js';
import { errors } from './graph-errors.js';
import type { Scenario, ScenarioInput } from './scenario.js';
import { MetaSimulator, type AutoStatusOptions } from './simulator.js';

export interface StartMetaSimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the control API must not be reachable from elsewhere. */
  host?: string;
  scenario?: Scenario | ScenarioInput;
  logger?: MetaLogger;
  now?: () => number;
  autoStatuses?: AutoStatusOptions | false;
}

export interface RunningMetaSimulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** What to use as META_GRAPH_URL (requests go to `${baseUrl}/v25.0/...`). */
  baseUrl: string;
  port: number;
  sim: MetaSimulator;
  server: Server;
  close(): Promise<void>;
}

export async function startMetaSimulator(opts: StartMetaSimulatorOptions = {}): Promise<RunningMetaSimulator> {
  const sim = new MetaSimulator({ scenario: opts.scenario, logger: opts.logger, now: opts.now, autoStatuses: opts.autoStatuses });
  const server = createServer((req, res) => {
    handleRequest(sim, req, res).catch((err: unknown) => {
      opts.logger?.error({ error: err instanceof Error ? err.message : String(err) }, 'simulator request failed');
      writeJson(res, { ...errors.unknownPath(), status: 500 });
    });
  });
  server.keepAliveTimeout = 5_000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  opts.logger?.info({ url }, 'Meta simulator listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    baseUrl: url,
    port,
    sim,
    server,
    close: () => {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Held-open keep-alive sockets and delayed fault answers must not block shutdown.
        server.closeAllConnections();
        await closed;
        await sim.close();
      })();
      return closing;
    },
  };
}
