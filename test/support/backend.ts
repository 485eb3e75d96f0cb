/** Where the PostgreSQL integration run connects: the app role, and (optionally) the schema owner. */
export function postgresUrls(env: NodeJS.ProcessEnv = process.env): { app: string; owner: string } | null {
  const app = env.TEST_DATABASE_URL || env.DATABASE_URL;
  if (!app) return null;
  const owner = env.TEST_MIGRATION_DATABASE_URL || env.MIGRATION_DATABASE_URL || app;
  return { app, owner };
}
