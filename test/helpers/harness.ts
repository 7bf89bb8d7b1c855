import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { request } from 'undici';
import { loadConfig, type Config } from '../../src/core/config.js';
import { startServer, type RunningServer } from '../../src/service/server.js';
import * as tenancy from '../../src/platform/tenancy/service.js';
import { WHATSAPP_ENTITLEMENT } from '../../src/core/entitlements.js';
import { createFreshPgDatabase, LOCAL_PG_ADMIN_URL, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';

/**
 * The real service on an ephemeral port with a real SQLite file in a temp folder.
 * Every log line is captured so tests can assert that no secret reaches a log.
 */

export class LogCapture extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    cb();
  }
  text(): string {
    return this.lines.join('\n');
  }
}

/**
 * Meta's pair rate spacing for tests that send one user several messages but do not check the spacing itself
 * (META_PAIR_INTERVAL_MS; Meta's is 6 s). Longer than the sender's 1 s limit on waiting in place, so those
 * messages still go through the same path: deferred to the job queue until the pair's next slot.
 */
export const SHORT_PAIR_INTERVAL_MS = 1_500;
export const SHORT_PAIRS = { META_PAIR_INTERVAL_MS: String(SHORT_PAIR_INTERVAL_MS) };

export interface HarnessOptions {
  /** This harness's backend; default WCS_TEST_BACKEND's (tests about PostgreSQL races pin it to 'pg'). */
  backend?: 'sqlite' | 'pg';
  /** Meta Graph base URL (e.g. a simulator's baseUrl); default: the service starts its own simulator. */
  metaUrl?: string;
  env?: Record<string, string>;
  /** Reuse a data folder (restart tests). */
  dataDir?: string;
  startJobs?: boolean;
}

export interface Harness {
  server: RunningServer;
  config: Config;
  url: string;
  wsUrl: string;
  dataDir: string;
  logs: LogCapture;
  /** ADMIN key of organization "acme" (entitled cjm_whatsapp), sandbox "prod". */
  adminKey: string;
  viewerKey: string;
  createKey(input: { organization?: string; sandbox: string; role: 'ADMIN' | 'VIEWER'; entitlements?: string[] }): Promise<string>;
  gql<TData, TVars>(doc: TypedDocumentNode<TData, TVars>, variables?: TVars, key?: string): Promise<ExecutionResult<TData>>;
  post(body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/**
 * WCS_TEST_BACKEND=pg runs every harness on PostgreSQL: a fresh database per data folder (a restart test that reuses
 * its folder reuses its database), dropped when the test process exits. Default: a SQLite file in the folder.
 */
export const TEST_BACKEND: 'sqlite' | 'pg' = process.env.WCS_TEST_BACKEND === 'pg' ? 'pg' : 'sqlite';
const pgDatabases = new Map<string, FreshPgDatabase>();

async function databaseUrlFor(dataDir: string, backend: 'sqlite' | 'pg'): Promise<string> {
  if (backend === 'sqlite') return `file:${path.join(dataDir, 'wcs.sqlite')}`;
  let fresh = pgDatabases.get(dataDir);
  if (!fresh) {
    fresh = await createFreshPgDatabase(process.env.WCS_TEST_PG_URL || LOCAL_PG_ADMIN_URL, 'wcs_h');
    pgDatabases.set(dataDir, fresh);
  }
  return fresh.url;
}

/** Drops the PostgreSQL databases this test file made (vitest's teardown calls it; see test/setup). */
export async function dropTestDatabases(): Promise<void> {
  const all = [...pgDatabases.values()];
  pgDatabases.clear();
  await Promise.allSettled(all.map((d) => d.drop()));
}

const envFor = (dataDir: string, databaseUrl: string, options: HarnessOptions): Record<string, string> => ({
  NODE_ENV: 'test',
  PORT: '0',
  HOST: '127.0.0.1',
  DATABASE_URL: databaseUrl,
  DATA_DIR: dataDir,
  LOG_LEVEL: 'debug',
  LOG_PRETTY: 'false',
  JOB_POLL_INTERVAL_MS: '50',
  JOB_LEASE_MS: '6000',
  // Short Meta timeouts keep timeout tests quick; the lease stays longer than one whole Meta call.
  META_CONNECT_TIMEOUT_MS: '1000',
  META_HEADERS_TIMEOUT_MS: '2000',
  META_BODY_TIMEOUT_MS: '2000',
  ...(options.metaUrl ? { META_GRAPH_URL: options.metaUrl } : {}),
  ...options.env,
});

/** One temporary root per test process (vitest runs each file in its own fork); removed when the process exits. */
let tempRoot: string | undefined;
function newDataDir(): string {
  if (!tempRoot) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-test-'));
    tempRoot = root;
    process.once('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  }
  return fs.mkdtempSync(path.join(tempRoot, 'h-'));
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? newDataDir();
  const config = loadConfig(envFor(dataDir, await databaseUrlFor(dataDir, options.backend ?? TEST_BACKEND), options));
  const logs = new LogCapture();
  const server = await startServer({ config, logDestination: logs, startJobs: options.startJobs });
  const created = new Set<string>();
  const createKey: Harness['createKey'] = async ({ organization = 'acme', sandbox, role, entitlements = [WHATSAPP_ENTITLEMENT] }) => {
    if (!created.has(organization)) {
      try {
        await tenancy.createOrganization(server.deps.db, organization, entitlements);
      } catch {
        // exists from an earlier run on the same data folder
      }
      created.add(organization);
    }
    return (await tenancy.createApiKey(server.deps.db, { organization, sandbox, role })).key;
  };
  const adminKey = await createKey({ sandbox: 'prod', role: 'ADMIN' });
  const viewerKey = await createKey({ sandbox: 'prod', role: 'VIEWER' });

  const post: Harness['post'] = async (body, headers = {}) => {
    const res = await request(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.statusCode, body: await res.body.text(), headers: res.headers };
  };

  return {
    server,
    config,
    url: server.url,
    wsUrl: server.url.replace(/^http/, 'ws') + '/graphql',
    dataDir,
    logs,
    adminKey,
    viewerKey,
    createKey,
    post,
    gql: async (doc, variables, key = adminKey) => {
      const res = await post({ query: print(doc), variables }, { authorization: `Bearer ${key}` });
      if (res.status !== 200) throw new Error(`GraphQL HTTP ${res.status}: ${res.body}`);
      return JSON.parse(res.body) as ExecutionResult<never>;
    },
    stop: () => server.stop(),
  };
}
