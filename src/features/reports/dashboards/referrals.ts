import { sql } from 'kysely';
import { shortMonth } from '../../../platform/views/svg.js';
import { CLOSE_REASON_LABELS, type CloseReason } from '../../referrals/rules.js';
import { formatCell } from '../format.js';
import type { DashboardDefinition, Figure, ReportFilters, ReportScope } from '../model.js';
import type { Tx } from '../../../platform/db/database.js';
import { countHeadline, monthsOf, n, periodText, referralConditions } from './shared.js';
import { count, countText, of, percent } from './wording.js';

/**
 * Referrals: how many arrive, when, from where and for what, and what happens to them. Every
 * figure is one aggregate over report_referral_fact (organisation types and need labels joined in).
 */

/** Who referred, by the type of the referring organisation; a self-referral has none. */
export const SOURCE_LABELS: Record<string, string> = {
  self: 'Self-referral',
  'gp-practice': 'GP practice',
  'sp-service': 'Another social prescribing service',
  vcse: 'Voluntary or community organisation',
  'local-authority': 'Local authority',
  commissioner: 'Commissioner',
  'other-referrer': 'Other referrer (hospital, housing, probation and others)',
};

async function byMonth(tx: Tx, scope: ReportScope, filters: ReportFilters): Promise<Figure> {
  const rows = await tx
    .selectFrom('reportReferralFact as r')
    .where(referralConditions(scope, filters))
    .select([
      sql<string>`to_char(r.received_at AT TIME ZONE 'Europe/London', 'YYYY-MM')`.as('month'),
      sql<string>`count(*)`.as('referrals'),
      sql<string>`count(*) FILTER (WHERE r.source_type = 'self')`.as('selfReferrals'),
    ])
    .groupBy(sql`1`)
    .execute();
  const found = new Map(rows.map((row) => [row.month, row]));
  const months = monthsOf(filters);
  const total = rows.reduce((sum, row) => sum + n(row.referrals), 0);
  return {
    id: 'by-month',
    title: 'Referrals by month',
    summary: `${countText(count(total, scope))} referrals were received ${periodText(filters)}, shown by the month they arrived, with the self-referrals among them.`,
    chart: { type: 'line', category: 'month', series: ['referrals', 'selfReferrals'] },
    table: {
      columns: [
        { key: 'month', label: 'Month', kind: 'text' },
        { key: 'referrals', label: 'Referrals', kind: 'count' },
        { key: 'selfReferrals', label: 'Self-referrals', kind: 'count' },
      ],
      rows: months.map((month) => ({
        month: shortMonth(month),
        referrals: count(n(found.get(month)?.referrals), scope),
        selfReferrals: count(n(found.get(month)?.selfReferrals), scope),
      })),
    },
  };
}

async function bySource(tx: Tx, scope: ReportScope, filters: ReportFilters): Promise<Figure> {
  const rows = await tx
    .selectFrom('reportReferralFact as r')
    .leftJoin('organisation as o', 'o.id', 'r.sourceOrganisationId')
    .where(referralConditions(scope, filters))
    .select([sql<string>`CASE WHEN r.source_type = 'self' THEN 'self' ELSE o.type END`.as('source'), sql<string>`count(*)`.as('referrals')])
    .groupBy(sql`1`)
    .orderBy(sql`2`, 'desc')
    .orderBy(sql`1`)
    .execute();
  return {
    id: 'by-source',
    title: 'Referrals by who referred',
    summary: `Where the referrals received ${periodText(filters)} came from: self-referrals, and referrals by the type of organisation that made them.`,
    chart: { type: 'bar', category: 'source', series: ['referrals'] },
    table: {
      columns: [
        { key: 'source', label: 'Referred by', kind: 'text' },
        { key: 'referrals', label: 'Referrals', kind: 'count' },
      ],
      rows: rows.map((row) => ({ source: SOURCE_LABELS[row.source] ?? row.source, referrals: count(n(row.referrals), scope) })),
    },
  };
}

async function byNeed(tx: Tx, scope: ReportScope, filters: ReportFilters): Promise<Figure> {
  const rows = await tx
    .selectFrom('reportReferralFact as r')
    .innerJoin('needCode as need', (join) => join.on(sql<boolean>`need.code = ANY (r.needs)`))
    .where(referralConditions(scope, filters))
    .select(['need.label', sql<string>`count(*)`.as('referrals')])
    .groupBy(['need.code', 'need.label'])
    .orderBy(sql`2`, 'desc')
    .orderBy('need.label')
    .execute();
  return {
    id: 'by-need',
    title: 'Referrals by need',
    summary: `The needs named in referrals received ${periodText(filters)}. A referral can name more than one need, so these add up to more than the number of referrals.`,
    chart: { type: 'bar', category: 'need', series: ['referrals'] },
    table: {
      columns: [
        { key: 'need', label: 'Need', kind: 'text' },
        { key: 'referrals', label: 'Referrals naming it', kind: 'count' },
      ],
      rows: rows.map((row) => ({ need: row.label, referrals: count(n(row.referrals), scope) })),
    },
  };
}

/** Accepted, closed before acceptance, or awaiting a decision: the headlines come from the same query. */
async function decisions(tx: Tx, scope: ReportScope, filters: ReportFilters) {
  const row = await tx
    .selectFrom('reportReferralFact as r')
    .where(referralConditions(scope, filters))
    .select([
      sql<string>`count(*)`.as('received'),
      sql<string>`count(*) FILTER (WHERE r.source_type = 'self')`.as('selfReferrals'),
      sql<string>`count(*) FILTER (WHERE r.case_id IS NOT NULL)`.as('accepted'),
      sql<string>`count(*) FILTER (WHERE r.case_id IS NULL AND r.status = 'closed')`.as('notAccepted'),
      sql<string>`count(*) FILTER (WHERE r.status = 'received')`.as('awaiting'),
    ])
    .executeTakeFirstOrThrow();
  const [received, selfReferrals, accepted, notAccepted, awaiting] = [row.received, row.selfReferrals, row.accepted, row.notAccepted, row.awaiting].map(n) as [number, number, number, number, number];
  const decided = accepted + notAccepted;
  const rate = percent(accepted, decided, scope);
  const figure: Figure = {
    id: 'decisions',
    title: 'What happened to referrals',
    summary: `Of the referrals received ${periodText(filters)}, ${countText(count(accepted, scope))} were accepted and ${countText(count(notAccepted, scope))} closed without being accepted; ${countText(count(awaiting, scope))} await a decision. The acceptance rate counts only referrals with a decision: ${formatCell(rate, 'percent')}.`,
    chart: { type: 'bar', category: 'decision', series: ['referrals'] },
    table: {
      columns: [
        { key: 'decision', label: 'Decision', kind: 'text' },
        { key: 'referrals', label: 'Referrals', kind: 'count' },
      ],
      rows: [
        { decision: 'Accepted', referrals: count(accepted, scope) },
        { decision: 'Closed without being accepted', referrals: count(notAccepted, scope) },
        { decision: 'Awaiting a decision', referrals: count(awaiting, scope) },
      ],
    },
  };
  const headlines = [
    countHeadline('Referrals received', received, scope, periodText(filters)),
    countHeadline('Self-referrals', selfReferrals, scope, of(received, 'referrals', scope)),
    { label: 'Accepted', value: rate, kind: 'percent' as const, detail: `${countText(count(accepted, scope))} ${of(decided, 'referrals with a decision', scope)}` },
  ];
  return { figure, headlines };
}

async function closureReasons(tx: Tx, scope: ReportScope, filters: ReportFilters): Promise<Figure> {
  const rows = await tx
    .selectFrom('reportReferralFact as r')
    .where(referralConditions(scope, filters))
    .where('r.caseId', 'is', null)
    .where('r.status', '=', 'closed')
    .select([sql<string>`coalesce(r.closed_reason, 'other')`.as('reason'), sql<string>`count(*)`.as('referrals')])
    .groupBy(sql`1`)
    .orderBy(sql`2`, 'desc')
    .orderBy(sql`1`)
    .execute();
  return {
    id: 'closure-reasons',
    title: 'Why referrals closed without being accepted',
    summary: `The reasons recorded for referrals received ${periodText(filters)} that closed before being accepted. Choosing not to take part is the person’s choice and never counts against anyone.`,
    chart: { type: 'bar', category: 'reason', series: ['referrals'] },
    table: {
      columns: [
        { key: 'reason', label: 'Reason', kind: 'text' },
        { key: 'referrals', label: 'Referrals', kind: 'count' },
      ],
      rows: rows.map((row) => ({ reason: CLOSE_REASON_LABELS[row.reason as CloseReason] ?? CLOSE_REASON_LABELS.other, referrals: count(n(row.referrals), scope) })),
    },
  };
}

export const referralsDashboard: DashboardDefinition = {
  name: 'referrals',
  title: 'Referrals',
  description: 'How many people are referred, when, by whom and for what needs, and what happens to their referrals.',
  action: 'view',
  async build(tx, scope, filters) {
    // One query at a time: PGlite has one connection, and a transaction runs its statements in turn anyway.
    const month = await byMonth(tx, scope, filters);
    const source = await bySource(tx, scope, filters);
    const need = await byNeed(tx, scope, filters);
    const decided = await decisions(tx, scope, filters);
    const reasons = await closureReasons(tx, scope, filters);
    return {
      name: 'referrals',
      title: referralsDashboard.title,
      description: referralsDashboard.description,
      filters,
      headlines: decided.headlines,
      figures: [month, source, need, decided.figure, reasons],
    };
  },
};
