import { openDatabase } from '../../src/platform/db/database.js';
import { postgresUrls } from './backend.js';

/** Migrates the test PostgreSQL database once before any worker connects. */
export default async function setup(): Promise<void> {
  const urls = postgresUrls();
  if (!urls) throw new Error('The postgresql project needs TEST_DATABASE_URL or DATABASE_URL');
  const db = await openDatabase({ kind: 'postgresql', databaseUrl: urls.app, migrationDatabaseUrl: urls.owner, poolSize: 1 });
  try {
    await db.migrate();
  } finally {
    await db.close();
  }
}
