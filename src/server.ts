import { DEMO_PASSWORD, hasAnyOrganisation, seedDemo, DEMO_LOGINS } from './features/demo/seed.js';
import { ensurePostcodeCentroids } from './features/directory/geo/centroids.js';
import { scheduleReviewReminders } from './features/directory/upkeep/reminders.js';
import { createNotifySend } from './features/notifications/notify.js';
import { startOutboxSender, type OutboxSender } from './features/notifications/sender.js';
import { ConfigError, loadConfig } from './platform/config.js';
import { DataDirectoryLocked } from './platform/db/database.js';
import { openConfiguredDatabase } from './platform/db/open.js';
import { scheduleStatistics } from './platform/db/statistics.js';
import { buildApp } from './platform/http/app.js';
import { registerRoutes } from './routes.js';
import { createServices } from './services.js';

/**
 * Starts the web server: config, database, migrations, first-start demo data, then listen.
 * Shared by `npm start` (src/main.ts) and `linkwork serve`; it stops itself on SIGINT/SIGTERM.
 */
export async function startServer(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const db = await openConfiguredDatabase(config);
  const applied = await db.migrate();
  await ensurePostcodeCentroids(db); // shipped sector/district centroids, loaded once
  const services = createServices(db, config);

  // Demo data only on the embedded database's first start; a PostgreSQL deployment asks for it.
  if (config.databaseKind === 'pglite' && !(await hasAnyOrganisation(services))) await seedDemo(services);
  const demo = (await services.users.findByEmail(DEMO_LOGINS[0]!.email)) !== undefined;

  const app = await buildApp({ config, services, routes: registerRoutes });
  const purge = setInterval(() => void services.sessions.purgeExpired().catch(() => undefined), 10 * 60_000);
  purge.unref();
  // Daily: remind providers of directory entries nobody has confirmed for 6 months (queued in the outbox).
  const reminders = scheduleReviewReminders(db, app.log.child({ component: 'directory-reminders' }));
  // PGlite has no autovacuum: without statistics, reports at scale are planned blind.
  const statistics = config.databaseKind === 'pglite' ? scheduleStatistics(db, app.log.child({ component: 'statistics' })) : null;
  // Without GOV.UK Notify settings nothing is sent (no network call): messages wait in the outbox.
  const sender: OutboxSender | null = config.notify
    ? startOutboxSender(db, { send: await createNotifySend(config.notify), log: app.log.child({ component: 'outbox' }) })
    : null;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    clearInterval(purge);
    await reminders.stop();
    await statistics?.stop();
    await sender?.stop();
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const lines = [
    '',
    `Linkwork is running at http://${host}:${port}/`,
    `Database: ${config.databaseKind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'}` +
      (applied.length ? ` (applied ${applied.length} migration${applied.length === 1 ? '' : 's'})` : ''),
    `Messages: ${sender ? 'sent through GOV.UK Notify' : 'GOV.UK Notify is not set up, so messages wait in the outbox (Admin > Outbox)'}`,
    `Started in ${Math.round(performance.now() - started)} ms. Press Ctrl-C to stop.`,
  ];
  if (demo) {
    lines.push('', `Demo sign-ins (password for all: ${DEMO_PASSWORD}):`);
    for (const login of DEMO_LOGINS) {
      lines.push(`  ${login.email.padEnd(32)} ${login.roles.map((r) => `${r.role} at ${r.organisation}`).join(', ')}`);
    }
  }
  process.stdout.write(lines.join('\n') + '\n\n');
}

/** Says why the server could not start, on stderr; the stack only with LOG_LEVEL=debug. */
export function reportStartFailure(error: unknown): void {
  if (error instanceof ConfigError || error instanceof DataDirectoryLocked) {
    process.stderr.write(`Linkwork cannot start: ${error.message}\n`);
  } else {
    process.stderr.write(`Linkwork cannot start: ${(error as Error).message}\n`);
    if (process.env.LOG_LEVEL === 'debug') console.error(error);
  }
}
