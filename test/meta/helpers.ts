// Shared setup for test/meta: the real simulator on an ephemeral port, a
// client with recorders, and a tiny webhook receiver playing "our server".
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { MetaClient, type MetaApiCallRecord, type MetaClientOptions, type MetaLogger } from '../../src/meta/index.js';
import { startMetaSimulator, type RunningMetaSimulator, type StartMetaSimulatorOptions } from '../../src/meta-simulator/index.js';

export const API_VERSION = 'v25.0';

export function startSim(opts: StartMetaSimulatorOptions = {}): Promise<RunningMetaSimulator> {
  return startMetaSimulator({ port: 0, host: '127.0.0.1', ...opts });
}

export interface TestClient {
  client: MetaClient;
  records: MetaApiCallRecord[];
  /** Every logger call, serialised. */
  logs: string[];
  /** Every backoff the client asked to sleep, ms. */
  delays: number[];
}

export function captureLogger(lines: string[]): MetaLogger {
  const at = (level: string) => (obj: object, msg?: string) => {
    lines.push(JSON.stringify({ level, obj, msg }));
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * A client with tiny retry delays. `sleep` records the delay and waits it for
 * real (they are a few ms) unless `instantSleep` is set.
 */
export function makeClient(baseUrl: string, overrides: Partial<MetaClientOptions> & { instantSleep?: boolean } = {}): TestClient {
  const records: MetaApiCallRecord[] = [];
  const logs: string[] = [];
  const delays: number[] = [];
  const { instantSleep, ...rest } = overrides;
  const client = new MetaClient({
    baseUrl,
    apiVersion: API_VERSION,
    retry: { maxAttempts: 3, baseDelayMs: 2, maxDelayMs: 10, maxRetryAfterMs: 2_000 },
    timeouts: { connectMs: 1_000, headersMs: 2_000, bodyMs: 2_000 },
    onCall: (r) => records.push(r),
    logger: captureLogger(logs),
    sleep: (ms) => {
      delays.push(ms);
      return instantSleep ? Promise.resolve() : new Promise((r) => setTimeout(r, ms));
    },
    ...rest,
  });
  return { client, records, logs, delays };
}

export interface SimClient extends TestClient {
  running: RunningMetaSimulator;
}

/**
 * The simulator and one client on it for the tests of the calling file: started before them, closed after them,
 * the client's records emptied before each test. `ready` gets them once started.
 */
export function useSimClient(
  ready: (started: SimClient) => void,
  options: { sim?: StartMetaSimulatorOptions; client?: Parameters<typeof makeClient>[1] } = {},
): void {
  let started: SimClient | undefined;
  beforeAll(async () => {
    const running = await startSim(options.sim);
    started = { running, ...makeClient(running.baseUrl, options.client) };
    ready(started);
  });
  afterAll(async () => {
    await started?.client.close();
    await started?.running.close();
  });
  beforeEach(() => {
    started!.records.length = 0;
  });
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Status to answer POSTs with (default 200). */
  postStatus: number;
  close(): Promise<void>;
}

/** Answers Meta's handshake when hub.verify_token matches, records every request with its raw bytes. */
export async function startReceiver(verifyToken: string, opts: { echoWrongChallenge?: boolean } = {}): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const state = { postStatus: 200 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, raw });
      const u = new URL(req.url ?? '/', 'http://receiver');
      if (req.method === 'GET') {
        const ok = u.searchParams.get('hub.mode') === 'subscribe' && u.searchParams.get('hub.verify_token') === verifyToken;
        res.writeHead(ok ? 200 : 403, { 'content-type': 'text/plain' });
        res.end(ok ? (opts.echoWrongChallenge ? 'nope' : (u.searchParams.get('hub.challenge') ?? '')) : 'forbidden');
        return;
      }
      res.writeHead(state.postStatus);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/meta`,
    requests,
    get postStatus() {
      return state.postStatus;
    },
    set postStatus(v: number) {
      state.postStatus = v;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A 127.0.0.1 port with nothing listening (bound then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Awaits a promise expected to reject and returns the error. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}
