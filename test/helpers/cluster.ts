import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { print, type ExecutionResult } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import pg from 'pg';
import { request } from 'undici';
import { afterAll, beforeAll } from 'vitest';
import { startCluster, type Cluster } from '../../scripts/cluster/cluster.js';
import { createFreshPgDatabase, type FreshPgDatabase } from '../../src/platform/pg/fresh-database.js';
import { startMetaSimulator, type RunningMetaSimulator, type ScenarioInput } from '../../src/meta-simulator/index.js';
import type { Harness } from './harness.js';
import { PG_ADMIN_URL } from './pg.js';
import { ROOT } from './spawn.js';

/**
 * Real service instances as processes (the machinery of `npm run cluster`, scripts/cluster/) on a fresh
 * PostgreSQL database, sharing one Meta simulator that runs in the test process (so a test reads what Meta
 * received), with the round-robin front or without. Everything is stopped and the database dropped by stop(),
 * by useCluster's afterAll, and, should the test process end without either, by a SIGKILL on exit.
 */

export interface TestClusterOptions {
  instances?: number;
  /** Start the front (default true); without it publicUrl is instance 1's address. */
  front?: boolean;
  /** Settings for every instance, over the test defaults below. */
  env?: Record<string, string>;
  scenario?: ScenarioInput;
  /**
   * REDIS_URL for every instance (cluster-wide pacing). Default none: pacing state is keyed by sender, and the
   * default scenario's senders are the same in every test, so clusters on the shared server would pace each other.
   */
  redisUrl?: string;
}

export interface TestCluster {
  cluster: Cluster;
  sim: RunningMetaSimulator;
  databaseUrl: string;
  /** The front's address (or instance 1's without a front). */
  url: string;
  /** Each instance's own address, 1-based as `instance(i)`: urls[0] is instance 1. */
  urls: string[];
  pids: Array<number | undefined>;
  /** The ADMIN key of organization "default", sandbox "prod" (instance 1 bootstrapped the empty database). */
  adminKey: string;
  /** A pool on the cluster's database for assertions (closed by stop()). */
  pool: pg.Pool;
  kill(index: number, signal?: NodeJS.Signals): Promise<void>;
  restart(index: number): Promise<void>;
  /** The instance's output (its logs), for failure messages. */
  output(index: number): string;
  /** The GraphQL client the shared test helpers take, talking to url (or another base URL). */
  client(baseUrl?: string, key?: string): Harness;
  stop(): Promise<void>;
}

const live = new Set<Cluster>();
process.once('exit', () => {
  // Last resort (a crashed test process): no instance may outlive it. Synchronous, as 'exit' handlers must be.
  for (const c of live) for (const i of c.instances) i.kill('SIGKILL');
});

export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const database: FreshPgDatabase = await createFreshPgDatabase(PG_ADMIN_URL, 'wcs_cl');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-cluster-'));
  const sim = await startMetaSimulator({ port: 0, host: '127.0.0.1', scenario: options.scenario });
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  pool.on('error', () => undefined);
  let cluster: Cluster;
  try {
    cluster = await startCluster({
      instances: options.instances ?? 3,
      databaseUrl: database.url,
      redisUrl: options.redisUrl,
      simulator: sim,
      frontPort: options.front === false ? null : 0,
      basePort: 0,
      baseEnv: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        // The instances may not reach the internet either (test/setup/no-internet.mjs).
        NODE_OPTIONS: `--import ${path.join(ROOT, 'test/setup/no-internet.mjs')}`,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        LOG_PRETTY: 'false',
        DATA_DIR: dataDir,
        ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        JOB_POLL_INTERVAL_MS: '200',
        JOB_LEASE_MS: '6000',
        META_CONNECT_TIMEOUT_MS: '1000',
        META_HEADERS_TIMEOUT_MS: '4000',
        META_BODY_TIMEOUT_MS: '4000',
        ...options.env,
      },
    });
  } catch (err) {
    await sim.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
    await database.drop().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  live.add(cluster);
  if (!cluster.bootstrapKey) {
    await cluster.stop(2_000);
    throw new Error(`instance 1 printed no ADMIN key on an empty database; its output:\n${cluster.instances[0]!.text().slice(-4_000)}`);
  }
  const adminKey = cluster.bootstrapKey;
  const client = (baseUrl = cluster.publicUrl, key = adminKey): Harness => clientHarness(baseUrl, key);
  let stopping: Promise<void> | undefined;
  return {
    cluster,
    sim,
    databaseUrl: database.url,
    url: cluster.publicUrl,
    urls: cluster.instances.map((i) => i.url),
    get pids() {
      return cluster.instances.map((i) => i.pid);
    },
    adminKey,
    pool,
    kill: (index, signal) => cluster.kill(index, signal),
    restart: (index) => cluster.restart(index),
    output: (index) => cluster.instances[index - 1]?.text() ?? '',
    client,
    stop: () =>
      (stopping ??= (async () => {
        await cluster.stop(10_000).catch(() => undefined);
        live.delete(cluster);
        await sim.close().catch(() => undefined);
        await pool.end().catch(() => undefined);
        await database.drop().catch(() => undefined);
        fs.rmSync(dataDir, { recursive: true, force: true });
      })()),
  };
}

/** A cluster for the tests of the enclosing file or describe block, stopped after them whatever happened. */
export function useCluster(options: TestClusterOptions = {}, startTimeoutMs = 120_000): { current: TestCluster } {
  const holder = {} as { current: TestCluster };
  beforeAll(async () => {
    holder.current = await startTestCluster(options);
  }, startTimeoutMs);
  afterAll(async () => {
    await holder.current?.stop();
  }, 60_000);
  return holder;
}

/**
 * The GraphQL side of a Harness over HTTP to baseUrl, for the shared helpers (credentials, configurations,
 * webhooks) that only send GraphQL. What only an in-process server has (its deps, its database handle) throws
 * when touched: a helper that needs it cannot run against separate processes.
 */
export function clientHarness(baseUrl: string, adminKey: string): Harness {
  const post: Harness['post'] = async (body, headers = {}) => {
    const res = await request(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.statusCode, body: await res.body.text(), headers: res.headers };
  };
  const inProcessOnly = (what: string): never => {
    throw new Error(`a cluster instance is a separate process: ${what} is not available to a test`);
  };
  return {
    url: baseUrl,
    wsUrl: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    adminKey,
    get viewerKey(): string {
      return inProcessOnly('viewerKey');
    },
    get server(): Harness['server'] {
      return inProcessOnly('server');
    },
    get config(): Harness['config'] {
      return inProcessOnly('config');
    },
    get dataDir(): string {
      return inProcessOnly('dataDir');
    },
    get logs(): Harness['logs'] {
      return inProcessOnly('logs');
    },
    createKey: () => Promise.reject(new Error('a cluster test creates keys through GraphQL')),
    post,
    gql: async <TData, TVars>(doc: TypedDocumentNode<TData, TVars>, variables?: TVars, key = adminKey) => {
      const res = await post({ query: print(doc), variables }, { authorization: `Bearer ${key}` });
      if (res.status !== 200) throw new Error(`GraphQL HTTP ${res.status}: ${res.body}`);
      return JSON.parse(res.body) as ExecutionResult<TData>;
    },
    stop: async () => undefined,
  };
}
