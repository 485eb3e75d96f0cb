import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { postgresUrls } from './backend.js';

export type Backend = 'pglite' | 'postgresql';

export const backend: Backend = process.env.LINKWORK_TEST_BACKEND === 'postgresql' ? 'postgresql' : 'pglite';

let shared: Promise<Database> | undefined;

/**
 * One migrated database per test worker. PGlite takes seconds to start, so files share it; each test
 * creates its own organisations and users (see factories.ts) and so never depends on another's rows.
 */
export function testDatabase(): Promise<Database> {
  shared ??= (async () => {
    if (backend === 'postgresql') {
      const urls = postgresUrls();
      if (!urls) throw new Error('TEST_DATABASE_URL or DATABASE_URL is needed for the postgresql project');
      return openDatabase({ kind: 'postgresql', databaseUrl: urls.app, migrationDatabaseUrl: urls.owner, poolSize: 4 });
    }
    const db = await openDatabase({ kind: 'pglite' });
    await db.migrate();
    return db;
  })();
  return shared;
}
