import type { Config } from '../config.js';
import { openDatabase, type Database } from './database.js';

export function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({
    kind: config.databaseKind,
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    migrationDatabaseUrl: config.migrationDatabaseUrl,
  });
}
