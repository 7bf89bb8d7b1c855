import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS (main) and ESM (module) builds without an exports map. Node loads the CommonJS
    // one for every package; vite would hand our own files the ESM one, and two GraphQLError classes break
    // instanceof checks (yoga's error masking, graphql-ws). Pin every import to the build Node uses.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Tests never reach the internet: any connection that is not to this machine fails the test.
    // ... and a file that leaves a server or worker thread running fails (forks are reused across files).
    setupFiles: ['test/setup/no-internet-hook.ts', 'test/setup/no-leftovers-hook.ts', 'test/setup/pg-databases-hook.ts'],
    // Real servers, real sockets and real SQLite files: give slow CI boxes room.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll's default 1 s was too short for a browser re-rendering on a loaded CI box (the console tests).
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    // 2 cores: more workers only fight over them.
    maxWorkers: 2,
    // Each fork runs file after file with its module cache kept: evaluating the whole service (graphql, Pothos,
    // drizzle, yoga: ~0.7 s of CPU) once per worker instead of once per file took 14 small files from 15.5 s
    // to 6.2 s of CPU. Safe here: no test mocks a module or stubs a global, every server, simulator and
    // socket a file opens is closed by its own afterAll/afterEach (world.ts cleanup), and the src registries are
    // WeakMaps keyed by the running service.
    isolate: false,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'silent' },
  },
});
