import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { testDatabase } from '../../../test/support/db.js';
import { refreshStatistics, scheduleStatistics } from './statistics.js';

/** PGlite has no autovacuum: the server and the generator refresh planner statistics themselves. */
describe('planner statistics', () => {
  const analysedAt = async () => {
    const db = await testDatabase();
    const { rows } = await db.inScope({ organisationId: null, userId: null }, (tx) =>
      sql<{ at: Date | null }>`SELECT last_analyze AS at FROM pg_stat_user_tables WHERE relname = 'report_referral_fact'`.execute(tx),
    );
    return rows[0]?.at ?? null;
  };

  it('are refreshed for every table by the app role, through the owner’s function', async () => {
    const before = await analysedAt();
    await refreshStatistics(await testDatabase());
    const after = await analysedAt();
    expect(after).not.toBeNull();
    if (before) expect(after!.getTime()).toBeGreaterThanOrEqual(before.getTime());
  });

  it('are refreshed on a schedule, logged without personal data, and the schedule stops cleanly', async () => {
    const log = { info: vi.fn(), error: vi.fn() };
    const schedule = scheduleStatistics(await testDatabase(), log, { firstRunAfterMs: 0 });
    await vi.waitFor(() => expect(log.info).toHaveBeenCalledWith({ ms: expect.any(Number) }, 'planner statistics refreshed'), { timeout: 20_000 });
    await schedule.stop();
    expect(log.error).not.toHaveBeenCalled();
  });
});
