import { defineConfig } from 'vitest/config';

/**
 * Projects:
 *  - unit: pure rules, no database (`*.test.ts`).
 *  - pglite / postgresql: the same integration tests (`*.int.test.ts`) against each database.
 *    One database per worker process, shared across files (isolate: false); tests make their own
 *    organisations so they never see each other's rows.
 *  - e2e: the real server in Debian's Chromium (`test/e2e/*.e2e.test.ts`).
 * `npm test` (test/run.mjs) decides which of these can run on this machine and says so.
 */
const integration = (backend: 'pglite' | 'postgresql') => ({
  test: {
    name: backend,
    include: ['src/**/*.int.test.ts', 'test/**/*.int.test.ts'],
    env: { LINKWORK_TEST_BACKEND: backend },
    isolate: false,
    pool: 'forks' as const,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: backend === 'postgresql' ? ['test/support/postgres-setup.ts'] : [],
  },
});

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'test/**/*.test.ts'], exclude: ['**/*.int.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'] } },
      integration('pglite'),
      integration('postgresql'),
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
