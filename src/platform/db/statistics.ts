import { sql } from 'kysely';
import type { Logger } from 'pino';
import { repeat, type ScheduledJob } from '../schedule.js';
import type { Database } from './database.js';

/** Fresh planner statistics for every table (migrations/0015_statistics.sql). */
export async function refreshStatistics(db: Database): Promise<void> {
  await db.inScope({ organisationId: null, userId: null }, (tx) => sql`SELECT app_refresh_statistics()`.execute(tx));
}

/**
 * PGlite has no autovacuum, so the embedded server refreshes the statistics itself: a few minutes
 * after it starts (not before it listens: on a large database it takes seconds) and then daily.
 * PostgreSQL's autovacuum does this already, so a server on PostgreSQL never calls this.
 */
export function scheduleStatistics(db: Database, log: Pick<Logger, 'info' | 'error'>, options: { firstRunAfterMs?: number; everyMs?: number } = {}): ScheduledJob {
  return repeat(
    async () => {
      const started = performance.now();
      try {
        await refreshStatistics(db);
        log.info({ ms: Math.round(performance.now() - started) }, 'planner statistics refreshed');
      } catch (error) {
        log.error({ err: error }, 'refreshing planner statistics failed');
      }
    },
    { firstRunAfterMs: options.firstRunAfterMs ?? 5 * 60_000, everyMs: options.everyMs ?? 24 * 60 * 60_000 },
  );
}
