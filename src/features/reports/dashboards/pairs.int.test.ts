import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDatabase } from '../../../../test/support/db.js';
import { buildOrganisation } from '../../../../test/support/factories.js';
import { pairedChange, type ScoredObservation, type Timepoint } from '../../outcomes/paired.js';
import { improvedCount, pairCtes } from './pairs.js';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    // The low bits of this generator cycle quickly; the high ones do not.
    return Math.floor((state / 2147483648) * n);
  };
}

describe('the SQL definition of a pair', () => {
  it('agrees with paired.ts on messy histories: ties, repeated baselines, follow-ups before the baseline, declines', async () => {
    const db = await testDatabase();
    const service = await buildOrganisation({ type: 'sp-service' });
    const next = random(42);
    const observations: ScoredObservation[] = [];
    await db.inScope({ organisationId: service.id, userId: null }, async (tx) => {
      const programme = (await sql<{ id: string }>`SELECT id FROM programme WHERE organisation_id = ${service.id} AND is_default`.execute(tx)).rows[0]!.id;
      for (let i = 0; i < 60; i++) {
        const personId = randomUUID();
        const caseId = randomUUID();
        await sql`INSERT INTO person (organisation_id, id, given_name, family_name, date_of_birth, no_fixed_abode, preferred_contact)
                  VALUES (${service.id}, ${personId}, 'Pair', 'Test', '1970-01-01', true, 'phone')`.execute(tx);
        await sql`INSERT INTO support_case (organisation_id, id, programme_id, person_id, referral_id) VALUES (${service.id}, ${caseId}, ${programme}, ${personId}, ${randomUUID()})`.execute(tx);
        const records = 1 + next(5);
        for (let r = 0; r < records; r++) {
          const timepoint = (['baseline', 'review', 'closure'] as Timepoint[])[next(3)]!;
          // Few distinct days, so several records share a day.
          const completedOn = `2026-0${1 + next(2)}-1${next(2)}`;
          const declined = next(8) === 0;
          const value = 3 + next(7);
          const scores = { scores: [{ key: 'total', value, direction: 'lower-is-better' }] };
          await sql`INSERT INTO measure_record (organisation_id, case_id, person_id, measure_code, timepoint, completed_on, declined, answers, scores)
                    VALUES (${service.id}, ${caseId}, ${personId}, 'ucla3', ${timepoint}, ${completedOn}, ${declined},
                            ${declined ? null : '[]'}::jsonb, ${declined ? null : JSON.stringify(scores)}::jsonb)`.execute(tx);
          if (!declined) observations.push({ personId: caseId, timepoint, completedOn, value });
        }
      }
    });

    const inMemory = pairedChange(
      [...observations].sort((a, b) => a.completedOn.localeCompare(b.completedOn) || a.value - b.value),
      'lower-is-better',
    );
    const inSql = await db.inScope({ organisationId: service.id, userId: null }, async (tx) => {
      const { rows } = await sql<{ baselines: number; n: number; baselineMean: number; followUpMean: number; meanChange: number; rises: number; falls: number; same: number }>`
        WITH cases AS (SELECT organisation_id, id FROM report_case WHERE organisation_id = ${service.id}),
        ${pairCtes({ scores: [{ measure: 'ucla3', key: 'total' }], upTo: '2026-12-31' })}
        SELECT count(*)::int AS baselines, count(p.follow_up)::int AS n,
               avg(p.baseline) FILTER (WHERE p.follow_up IS NOT NULL)::float8 AS baseline_mean, avg(p.follow_up)::float8 AS follow_up_mean,
               avg(p.follow_up - p.baseline)::float8 AS mean_change,
               count(*) FILTER (WHERE p.follow_up > p.baseline)::int AS rises, count(*) FILTER (WHERE p.follow_up < p.baseline)::int AS falls,
               count(*) FILTER (WHERE p.follow_up = p.baseline)::int AS same
        FROM pair p`.execute(tx);
      return rows[0]!;
    });

    const round2 = (v: number) => Math.round(v * 100) / 100;
    expect(inMemory.n).toBeGreaterThan(5);
    expect(inMemory.baselineOnly).toBeGreaterThan(0);
    expect({
      n: inSql.n,
      baselineOnly: inSql.baselines - inSql.n,
      baselineMean: round2(inSql.baselineMean),
      followUpMean: round2(inSql.followUpMean),
      meanChange: round2(inSql.meanChange),
      improved: improvedCount('lower-is-better', inSql.rises, inSql.falls),
      unchanged: inSql.same,
      worsened: improvedCount('higher-is-better', inSql.rises, inSql.falls),
    }).toEqual(inMemory);
  });
});
