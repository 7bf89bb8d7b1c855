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
    setupFiles: ['test/setup/no-internet-hook.ts'],
    // Real servers, real sockets and real SQLite files: give slow CI boxes room.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // 2 cores: more workers only fight over them.
    maxWorkers: 2,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'silent' },
  },
});
