import { sql, type RawBuilder } from 'kysely';
import { recordAudit } from '../../../platform/audit/audit.js';
import { authorize } from '../../../platform/auth/policy.js';
import type { RequestContext } from '../../../platform/context.js';
import type { Database, Tx } from '../../../platform/db/database.js';
import { FieldErrors, ValidationFailed, type FieldError } from '../../../platform/errors.js';
import { londonDay } from '../../cases/rules.js';
import type { Direction } from '../../outcomes/measures/definition.js';
import { builtInMeasure } from '../../outcomes/measures/builtin.js';
import { pairedChange, type ScoredObservation } from '../../outcomes/paired.js';
import { parseFilters, periodInstants } from '../filters.js';
import { reportPolicy } from '../policy.js';
import { resolveReportScope, useReportSettings } from '../scope.js';
import { inProgress, parseQuarter, quarterOf, recentQuarters, type Quarter } from './quarter.js';
import { returnRows, type FixedMeasure, type MeasureRecordTally, type PairedTally, type ReturnRow, type Tally } from './return.js';
import { snomedEventRows, type SnomedEventRow } from './snomed.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface QuarterlyReturnQuery {
  quarter?: string;
  service?: string;
}

export interface QuarterlyReturn {
  quarter: Quarter;
  /** The quarter has not ended: its counts are so far. */
  inProgress: boolean;
  /** The services counted: the one chosen, or every service in the caller's scope. */
  services: { id: string; name: string }[];
  suppressed: boolean;
  rows: ReturnRow[];
}

export interface SnomedQuery {
  practice?: string;
  from?: string;
  to?: string;
}

export interface SnomedExtract {
  practice: { id: string; name: string };
  from: string;
  to: string;
  rows: SnomedEventRow[];
  /** Coded events of people with no NHS number: a GP system cannot match them, so they are not in `rows`. */
  leftOutWithoutNhsNumber: number;
}

/** Midnight in England at the start of a day, as an instant: index-friendly bounds for timestamp columns. */

function parseJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

/**
 * The quarterly return and the SNOMED CT event extract. The return reads only the report_* views
 * (nothing about a person, scoped to app_report_scope()), because commissioners receive it. The
 * extract is the one export with identifiers: it reads the service's own referrals and people, is
 * for the service's administrators and team leads only, and is audited.
 */
export function createExportService(db: Database, clock: () => Date = () => new Date()) {
  const scope = (ctx: RequestContext) => ({ organisationId: ctx.organisationId, userId: ctx.actor.userId });
  const today = () => londonDay(clock());

  async function tallies(tx: Tx, ids: string[], q: Quarter): Promise<Tally[]> {
    const services = sql.join(ids);
    const { start, end } = periodInstants(q);
    // One scan for every demographic count: each grouping set is one measure.
    const demographics = await sql<{ serviceId: string; measure: FixedMeasure; code: string | null; count: number }>`
      SELECT organisation_id AS service_id,
             CASE WHEN GROUPING(age_band) = 0 THEN 'age-band'
                  WHEN GROUPING(no_fixed_abode) = 0 THEN 'no-fixed-abode'
                  WHEN GROUPING(multiple_disadvantage) = 0 THEN 'multiple-disadvantage'
                  WHEN GROUPING(postcode_district) = 0 THEN 'postcode-district'
                  ELSE 'referrals-received' END AS measure,
             CASE WHEN GROUPING(age_band) = 0 THEN age_band
                  WHEN GROUPING(no_fixed_abode) = 0 THEN CASE WHEN no_fixed_abode THEN 'yes' ELSE 'no' END
                  WHEN GROUPING(multiple_disadvantage) = 0 THEN CASE WHEN multiple_disadvantage THEN 'yes' ELSE 'no' END
                  WHEN GROUPING(postcode_district) = 0 THEN postcode_district
                  ELSE 'all' END AS code,
             count(*)::int AS count
        FROM report_referral
       WHERE organisation_id IN (${services}) AND received_at >= ${start} AND received_at < ${end}
       GROUP BY GROUPING SETS ((organisation_id), (organisation_id, age_band), (organisation_id, no_fixed_abode),
                               (organisation_id, multiple_disadvantage), (organisation_id, postcode_district))`.execute(tx);
    const needs = await sql<{ serviceId: string; code: string; count: number }>`
      SELECT r.organisation_id AS service_id, n.code, count(*)::int AS count
        FROM report_referral r CROSS JOIN LATERAL unnest(r.needs) AS n(code)
       WHERE r.organisation_id IN (${services}) AND r.received_at >= ${start} AND r.received_at < ${end}
       GROUP BY 1, 2`.execute(tx);
    const contacts = await sql<{ serviceId: string; code: string; count: number }>`
      SELECT organisation_id AS service_id, type AS code, count(*)::int AS count
        FROM report_contact
       WHERE organisation_id IN (${services}) AND contact_date BETWEEN ${q.from}::date AND ${q.to}::date
       GROUP BY 1, 2`.execute(tx);
    // An offer's state at the end of the quarter is the last step it took by then, so a past
    // quarter's return does not change as its offers move on. The 'suggested' step comes first when
    // two steps share an instant.
    const offers = await sql<{ serviceId: string; code: string; count: number }>`
      SELECT o.organisation_id AS service_id, coalesce(s.to_state, o.state) AS code, count(*)::int AS count
        FROM report_offer o
        LEFT JOIN LATERAL (
          SELECT v.to_state FROM report_offer_event v
           WHERE v.organisation_id = o.organisation_id AND v.offer_id = o.id AND v.occurred_at < ${end}
           ORDER BY v.occurred_at DESC, (v.kind = 'suggested') ASC
           LIMIT 1) s ON true
       WHERE o.organisation_id IN (${services}) AND o.created_at >= ${start} AND o.created_at < ${end}
       GROUP BY 1, 2`.execute(tx);
    const introductions = await sql<{ serviceId: string; code: string; count: number }>`
      SELECT organisation_id AS service_id, CASE WHEN accompanied THEN 'accompanied' ELSE 'not-accompanied' END AS code, count(*)::int AS count
        FROM report_offer_event
       WHERE organisation_id IN (${services}) AND kind = 'transition' AND to_state = 'introduced'
         AND occurred_at >= ${start} AND occurred_at < ${end}
       GROUP BY 1, 2`.execute(tx);
    const closures = await sql<{ serviceId: string; code: string; count: number }>`
      SELECT organisation_id AS service_id, closed_reason AS code, count(*)::int AS count
        FROM report_case
       WHERE organisation_id IN (${services}) AND closed_at >= ${start} AND closed_at < ${end} AND closed_reason IS NOT NULL
       GROUP BY 1, 2`.execute(tx);

    const out: Tally[] = [];
    for (const row of demographics.rows) if (row.code !== null) out.push({ serviceId: row.serviceId, measure: row.measure, code: row.code, count: row.count });
    const add = (measure: FixedMeasure, rows: { serviceId: string; code: string; count: number }[]) => {
      for (const row of rows) out.push({ serviceId: row.serviceId, measure, code: row.code, count: row.count });
    };
    add('need', needs.rows);
    add('contact-type', contacts.rows);
    add('offer-state', offers.rows);
    add('introduction', introductions.rows);
    add('case-closure', closures.rows);
    return out;
  }

  const measureName = (code: string) => builtInMeasure(code)?.name ?? code;

  async function measureRecords(tx: Tx, ids: string[], q: Quarter): Promise<MeasureRecordTally[]> {
    const rows = await tx
      .selectFrom('reportMeasure')
      .select(['organisationId', 'measureCode', 'timepoint', 'declined', (eb) => eb.fn.countAll<number>().as('count')])
      .where('organisationId', 'in', ids)
      .where('completedOn', '>=', q.from)
      .where('completedOn', '<=', q.to)
      .groupBy(['organisationId', 'measureCode', 'timepoint', 'declined'])
      .execute();
    return rows.map((r) => ({
      serviceId: r.organisationId,
      measureCode: r.measureCode,
      measureName: measureName(r.measureCode),
      timepoint: r.declined ? 'declined' : r.timepoint === 'baseline' ? 'baseline' : 'follow-up',
      count: Number(r.count),
    }));
  }

  /**
   * Paired change for the cases whose follow-up of a measure fell in the quarter: each case's
   * earliest baseline against its latest follow-up by the quarter's end (the rule is pairedChange's).
   * A measure is recorded on a case, so the case is the unit paired.
   */
  async function paired(tx: Tx, ids: string[], q: Quarter): Promise<PairedTally[]> {
    const rows = await sql<{ serviceId: string; caseId: string; measureCode: string; timepoint: ScoredObservation['timepoint']; completedOn: string; scores: unknown }>`
      SELECT m.organisation_id AS service_id, m.case_id, m.measure_code, m.timepoint, to_char(m.completed_on, 'YYYY-MM-DD') AS completed_on, m.scores
        FROM report_measure m
       WHERE m.organisation_id IN (${sql.join(ids)}) AND NOT m.declined AND m.completed_on <= ${q.to}::date
         AND (m.organisation_id, m.case_id, m.measure_code) IN (
               SELECT f.organisation_id, f.case_id, f.measure_code FROM report_measure f
                WHERE f.organisation_id IN (${sql.join(ids)}) AND NOT f.declined AND f.timepoint <> 'baseline'
                  AND f.completed_on BETWEEN ${q.from}::date AND ${q.to}::date)`.execute(tx);
    const groups = new Map<string, { serviceId: string; measureCode: string; scoreKey: string; scoreLabel: string; direction: Direction; observations: ScoredObservation[] }>();
    for (const row of rows.rows) {
      const stored = parseJson<{ scores?: { key: string; label: string; value: number; direction: Direction }[] } | null>(row.scores);
      for (const score of stored?.scores ?? []) {
        const key = `${row.serviceId}|${row.measureCode}|${score.key}`;
        const group = groups.get(key) ?? { serviceId: row.serviceId, measureCode: row.measureCode, scoreKey: score.key, scoreLabel: score.label, direction: score.direction, observations: [] };
        group.observations.push({ personId: row.caseId, timepoint: row.timepoint, completedOn: row.completedOn, value: score.value });
        groups.set(key, group);
      }
    }
    return [...groups.values()].map((g) => ({
      serviceId: g.serviceId,
      measureCode: g.measureCode,
      measureName: measureName(g.measureCode),
      scoreKey: g.scoreKey,
      scoreLabel: g.scoreLabel,
      change: pairedChange(g.observations, g.direction),
    }));
  }

  async function practicesOf(tx: Tx, ctx: RequestContext): Promise<{ id: string; name: string }[]> {
    return tx
      .selectFrom('organisation as o')
      .select(['o.id', 'o.name'])
      .where('o.type', '=', 'gp-practice')
      .where((eb) => eb.exists(eb.selectFrom('referral as r').select('r.id').where('r.organisationId', '=', ctx.organisationId).whereRef('r.sourceOrganisationId', '=', 'o.id')))
      .orderBy('o.name')
      .execute();
  }

  /** The practice must be one that referred people to the caller's service; the period is checked as reports check it. */
  async function checkSnomedQuery(tx: Tx, ctx: RequestContext, query: SnomedQuery): Promise<{ practice: { id: string; name: string }; period: { from: string; to: string } }> {
    const errors: FieldError[] = [];
    const practiceId = query.practice?.trim().toLowerCase() || '';
    let period = { from: '', to: '' };
    try {
      period = parseFilters({ from: query.from, to: query.to }, { services: [] }, today());
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      errors.push(...error.errors);
    }
    const practice = UUID.test(practiceId) ? (await practicesOf(tx, ctx)).find((p) => p.id === practiceId) : undefined;
    if (!practice) errors.unshift({ field: 'practice', message: 'Choose a GP practice that has referred people to the service' });
    if (errors.length > 0) throw new ValidationFailed(errors);
    return { practice: practice!, period: { from: period.from, to: period.to } };
  }

  function snomedEventQuery(tx: Tx, ctx: RequestContext, practiceId: string, period: { from: string; to: string }) {
    const { start, end } = periodInstants(period);
    return tx
      .selectFrom('referralEvent as e')
      .innerJoin('referral as r', (join) => join.onRef('r.organisationId', '=', 'e.organisationId').onRef('r.id', '=', 'e.referralId'))
      .innerJoin('person as p', (join) => join.onRef('p.organisationId', '=', 'r.organisationId').onRef('p.id', '=', 'r.personId'))
      .select([
        'p.nhsNumber',
        sql<string>`to_char(p.date_of_birth, 'YYYY-MM-DD')`.as('dateOfBirth'),
        sql<string>`to_char(e.occurred_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD')`.as('eventDate'),
        sql<string>`e.snomed_code`.as('snomedCode'),
        'r.reference as referralReference',
      ])
      .where('e.organisationId', '=', ctx.organisationId)
      .where('r.sourceOrganisationId', '=', practiceId)
      .where('e.snomedCode', 'is not', null)
      .where('e.occurredAt', '>=', start)
      .where('e.occurredAt', '<', end)
      .orderBy('e.occurredAt')
      .orderBy('r.reference');
  }

  return {
    /** The quarters offered on the page, newest first (the one in progress, then the last 8), and the default: the last that has ended. */
    quarters(): { choices: (Quarter & { inProgress: boolean })[]; defaultId: string } {
      const ended = recentQuarters(today());
      return { choices: [{ ...quarterOf(today()), inProgress: true }, ...ended.map((q) => ({ ...q, inProgress: false }))], defaultId: ended[0]!.id };
    },

    /** The services the caller may make a return for (commissioners: those they commission), and whether small numbers are suppressed. */
    async returnScope(ctx: RequestContext): Promise<{ services: { id: string; name: string }[]; suppress: boolean }> {
      authorize(ctx, reportPolicy, 'quarterly-return');
      return db.inScope(scope(ctx), async (tx) => {
        const { services, suppress } = await resolveReportScope(tx, ctx);
        return { services, suppress };
      });
    },

    async quarterlyReturn(ctx: RequestContext, query: QuarterlyReturnQuery): Promise<QuarterlyReturn> {
      authorize(ctx, reportPolicy, 'quarterly-return');
      return db.inScope(scope(ctx), async (tx) => {
        await useReportSettings(tx);
        const reportScope = await resolveReportScope(tx, ctx);
        const errors = new FieldErrors();
        const parsed = parseQuarter(query.quarter?.trim() || recentQuarters(today(), 1)[0]!.id, today());
        if ('error' in parsed) errors.add('quarter', parsed.error);
        const serviceId = query.service?.trim().toLowerCase() || null;
        if (serviceId !== null && !(UUID.test(serviceId) && reportScope.services.some((s) => s.id === serviceId))) {
          errors.add('service', 'Choose a social prescribing service from the list');
        }
        errors.throwIfAny();
        const q = parsed as Quarter;
        const services = serviceId ? reportScope.services.filter((s) => s.id === serviceId) : reportScope.services;
        const ids = services.map((s) => s.id);
        const running = inProgress(q, today());
        if (ids.length === 0) return { quarter: q, inProgress: running, services, suppressed: reportScope.suppress, rows: [] };
        const needLabels = new Map((await tx.selectFrom('needCode').select(['code', 'label']).execute()).map((n) => [n.code, n.label]));
        const rows = returnRows({
          services,
          tallies: await tallies(tx, ids, q),
          needLabels,
          measureRecords: await measureRecords(tx, ids, q),
          paired: await paired(tx, ids, q),
          suppress: reportScope.suppress,
        });
        return { quarter: q, inProgress: running, services, suppressed: reportScope.suppress, rows };
      });
    },

    /** GP practices that have referred people to the caller's service: the extract's choices. */
    async practices(ctx: RequestContext): Promise<{ id: string; name: string }[]> {
      authorize(ctx, reportPolicy, 'snomed-extract');
      return db.inScope(scope(ctx), (tx) => practicesOf(tx, ctx));
    },

    /**
     * How many coded events the extract would hold, and how many it leaves out for want of an NHS
     * number: counts only, shown before the download so the service can record those by hand.
     */
    async snomedSummary(ctx: RequestContext, query: SnomedQuery): Promise<Omit<SnomedExtract, 'rows'> & { events: number }> {
      authorize(ctx, reportPolicy, 'snomed-extract');
      return db.inScope(scope(ctx), async (tx) => {
        const { practice, period } = await checkSnomedQuery(tx, ctx, query);
        const counts = await snomedEventQuery(tx, ctx, practice.id, period)
          .clearSelect()
          .select([(eb) => eb.fn.countAll<number>().as('events'), sql<number>`count(*) FILTER (WHERE p.nhs_number IS NULL)`.as('leftOut')])
          .clearOrderBy()
          .executeTakeFirstOrThrow();
        const leftOut = Number(counts.leftOut);
        return { practice, ...period, events: Number(counts.events) - leftOut, leftOutWithoutNhsNumber: leftOut };
      });
    },

    /**
     * Accepted and declined referrals (SNOMED CT coded) of people one GP practice referred, in a
     * period, for the practice to record in its GP system. Audited: it reads people's records.
     */
    async snomedEvents(ctx: RequestContext, query: SnomedQuery): Promise<SnomedExtract> {
      authorize(ctx, reportPolicy, 'snomed-extract');
      return db.inScope(scope(ctx), async (tx) => {
        const { practice, period } = await checkSnomedQuery(tx, ctx, query);
        const events = await snomedEventQuery(tx, ctx, practice.id, period).execute();
        const { rows, leftOutWithoutNhsNumber } = snomedEventRows(events);
        await recordAudit(tx, ctx, {
          action: 'snomed-events.exported',
          subjectType: 'organisation',
          subjectId: practice.id,
          detail: { practiceId: practice.id, from: period.from, to: period.to, rows: rows.length, leftOutWithoutNhsNumber },
        });
        return { practice, ...period, rows, leftOutWithoutNhsNumber };
      });
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;
