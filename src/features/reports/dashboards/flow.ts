import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/database.js';
import { factConditions, inPeriod, windowOf } from './conditions.js';
import { CASE_CLOSE_REASON_LABELS, type CaseCloseReason } from '../../cases/rules.js';
import { formatCell } from '../format.js';
import type { Cell, DashboardDefinition, Figure, Headline, ReportFilters, ReportScope } from '../model.js';
import { countHeadline, n, periodText, referralConditions } from './shared.js';
import { count, countText, of, percent, statistic } from './wording.js';

/**
 * Flow: how people move from referral to support. The waiting list is as it stands now; everything
 * else follows the referrals received in the period (or, for closures and introductions, what
 * happened in the period). Every figure is one aggregate over the report facts (one row per referral
 * or offer with its journey already joined: migrations/0014_report_facts.sql).
 */

/** A referral still waiting for its first contact. */
const WAITING = ['received', 'accepted', 'allocated'] as const;

export const WAIT_BANDS = [
  { key: 'under-2-weeks', label: 'Under 2 weeks', below: 14 },
  { key: '2-to-4-weeks', label: '2 to 4 weeks', below: 28 },
  { key: '4-to-8-weeks', label: '4 to 8 weeks', below: 56 },
  { key: '8-to-13-weeks', label: '8 to 13 weeks', below: 91 },
  { key: '13-weeks-or-more', label: '13 weeks or more', below: null },
] as const;

async function journey(tx: Tx, scope: ReportScope, filters: ReportFilters) {
  const row = await tx
    .selectFrom('reportReferralFact as r')
    .where(referralConditions(scope, filters))
    .select([
      sql<string>`count(*)`.as('received'),
      sql<string>`count(*) FILTER (WHERE r.case_id IS NOT NULL)`.as('accepted'),
      sql<string>`count(*) FILTER (WHERE r.first_contact_on IS NOT NULL)`.as('firstContact'),
      sql<string>`count(*) FILTER (WHERE r.engaged)`.as('engaged'),
      sql<string>`count(*) FILTER (WHERE r.connected)`.as('connected'),
    ])
    .executeTakeFirstOrThrow();
  const [received, accepted, firstContact, engaged, connected] = [row.received, row.accepted, row.firstContact, row.engaged, row.connected].map(n) as [number, number, number, number, number];
  const figure: Figure = {
    id: 'journey',
    title: 'From referral to connection',
    summary: `Of ${countText(count(received, scope))} referrals received ${periodText(filters)}, ${countText(count(accepted, scope))} were accepted, ${countText(count(firstContact, scope))} had a first contact, ${countText(count(engaged, scope))} engaged with a link worker and ${countText(count(connected, scope))} were connected: attending at least one activity or service offered.`,
    chart: { type: 'bar', category: 'stage', series: ['people'] },
    table: {
      columns: [
        { key: 'stage', label: 'Stage reached', kind: 'text' },
        { key: 'people', label: 'Referrals', kind: 'count' },
      ],
      rows: [
        { stage: 'Received', people: count(received, scope) },
        { stage: 'Accepted', people: count(accepted, scope) },
        { stage: 'First contact', people: count(firstContact, scope) },
        { stage: 'Engaged', people: count(engaged, scope) },
        { stage: 'Connected (attending at least one offer)', people: count(connected, scope) },
      ],
    },
  };
  const headlines: Headline[] = [
    { label: 'Engaged', value: percent(engaged, accepted, scope), kind: 'percent', detail: `${countText(count(engaged, scope))} ${of(accepted, 'accepted referrals', scope)}` },
    { label: 'Connected', value: percent(connected, accepted, scope), kind: 'percent', detail: `${countText(count(connected, scope))} ${of(accepted, 'accepted referrals', scope)}` },
  ];
  return { figure, headlines };
}

async function firstContact(tx: Tx, scope: ReportScope, filters: ReportFilters) {
  const row = await tx
    .selectFrom('reportReferralFact as r')
    .where(referralConditions(scope, filters))
    .where('r.daysToFirstContact', 'is not', null)
    .select([
      sql<string>`count(*)`.as('people'),
      sql<number | null>`percentile_cont(0.5) WITHIN GROUP (ORDER BY r.days_to_first_contact)`.as('median'),
      sql<number | null>`percentile_cont(0.9) WITHIN GROUP (ORDER BY r.days_to_first_contact)`.as('p90'),
    ])
    .executeTakeFirstOrThrow();
  const people = n(row.people);
  const median = statistic(row.median === null ? null : Number(row.median), people, scope);
  const p90 = statistic(row.p90 === null ? null : Number(row.p90), people, scope);
  const figure: Figure = {
    id: 'first-contact',
    title: 'Days from referral to first contact',
    summary: firstContactSummary(people, median, p90, scope, filters),
    chart: { type: 'bar', category: 'measure', series: ['days'] },
    table: {
      columns: [
        { key: 'measure', label: 'Measure', kind: 'text' },
        { key: 'days', label: 'Days', kind: 'days' },
        { key: 'people', label: 'Referrals with a first contact', kind: 'count' },
      ],
      rows: [
        { measure: 'Median (half were contacted within)', days: median, people: count(people, scope) },
        { measure: '90th percentile (nine in ten were contacted within)', days: p90, people: count(people, scope) },
      ],
    },
  };
  const headline: Headline = { label: 'Median days to first contact', value: median, kind: 'days', detail: of(people, 'referrals contacted', scope) };
  return { figure, headline };
}

/**
 * The wait in words. A hidden median is said to be hidden: "within fewer than 5 days" would read as
 * a wait of under five days.
 */
function firstContactSummary(people: number, median: Cell, p90: Cell, scope: ReportScope, filters: ReportFilters): string {
  const start = `For the ${countText(count(people, scope))} referrals received ${periodText(filters)} that have had a first contact,`;
  if (typeof median === 'number' && typeof p90 === 'number') {
    return `${start} half were contacted within ${formatCell(median, 'days')} days and nine in ten within ${formatCell(p90, 'days')} days.`;
  }
  if (people === 0) return `${start} there is no data on the wait yet.`;
  return `${start} the wait is not shown: it would be worked out from fewer than 5 people.`;
}

async function waiting(tx: Tx, scope: ReportScope, filters: ReportFilters) {
  const days = sql`((now() AT TIME ZONE 'Europe/London')::date - (r.received_at AT TIME ZONE 'Europe/London')::date)`;
  const band = sql<string>`CASE ${sql.join(
    WAIT_BANDS.filter((b) => b.below !== null).map((b) => sql`WHEN ${days} < ${sql.lit(b.below)} THEN ${sql.lit(b.key)}`),
    sql` `,
  )} ELSE ${sql.lit(WAIT_BANDS[WAIT_BANDS.length - 1]!.key)} END`;
  const rows = await tx
    .selectFrom('reportReferralFact as r')
    .where(referralConditions(scope, filters, { period: false }))
    .where('r.status', 'in', WAITING)
    .select([band.as('band'), sql<string>`count(*)`.as('people')])
    .groupBy(sql`1`)
    .execute();
  const found = new Map(rows.map((row) => [row.band, n(row.people)]));
  const total = rows.reduce((sum, row) => sum + n(row.people), 0);
  const figure: Figure = {
    id: 'waiting',
    title: 'Waiting for a first contact now',
    summary: `${countText(count(total, scope))} referrals are waiting now for a decision or a first contact, by how long they have waited since the referral arrived. This is today’s waiting list, so the period does not apply; the other filters do.`,
    chart: { type: 'bar', category: 'waited', series: ['people'] },
    table: {
      columns: [
        { key: 'waited', label: 'Waited so far', kind: 'text' },
        { key: 'people', label: 'Referrals waiting', kind: 'count' },
      ],
      rows: WAIT_BANDS.map((b) => ({ waited: b.label, people: count(found.get(b.key) ?? 0, scope) })),
    },
  };
  const headline = countHeadline('Waiting now', total, scope, 'referrals waiting for a first contact today');
  return { figure, headline };
}

async function caseClosures(tx: Tx, scope: ReportScope, filters: ReportFilters): Promise<Figure> {
  const rows = await tx
    .selectFrom('reportReferralFact as r')
    .where(referralConditions(scope, filters, { period: false }))
    .where(inPeriod(sql`r.case_closed_at`, windowOf(scope, filters)))
    .select([sql<string>`coalesce(r.case_closed_reason, 'unknown')`.as('reason'), sql<string>`count(*)`.as('cases')])
    .groupBy(sql`1`)
    .orderBy(sql`2`, 'desc')
    .orderBy(sql`1`)
    .execute();
  return {
    id: 'closure-reasons',
    title: 'Why support ended',
    summary: `The reasons recorded when support closed ${periodText(filters)}. A person choosing to stop is their choice and never counts against anyone.`,
    chart: { type: 'bar', category: 'reason', series: ['cases'] },
    table: {
      columns: [
        { key: 'reason', label: 'Reason', kind: 'text' },
        { key: 'cases', label: 'Cases closed', kind: 'count' },
      ],
      rows: rows.map((row) => ({ reason: CASE_CLOSE_REASON_LABELS[row.reason as CaseCloseReason] ?? 'Not recorded', cases: count(n(row.cases), scope) })),
    },
  };
}

async function introductions(tx: Tx, scope: ReportScope, filters: ReportFilters) {
  const w = windowOf(scope, filters);
  const row = await tx
    .selectFrom('reportOfferFact as o')
    .where(factConditions(w, 'o'))
    .where(sql<boolean>`EXISTS (SELECT 1 FROM unnest(o.introduced_at) AS t(at) WHERE ${inPeriod(sql`t.at`, w)})`)
    .select([sql<string>`count(*)`.as('introductions'), sql<string>`count(*) FILTER (WHERE o.accompanied)`.as('accompanied')])
    .executeTakeFirstOrThrow();
  const total = n(row.introductions);
  const accompanied = n(row.accompanied);
  const figure: Figure = {
    id: 'introductions',
    title: 'Introductions to activities and services',
    summary: `${countText(count(total, scope))} introductions to an activity or service were made ${periodText(filters)}; a link worker went along to ${countText(count(accompanied, scope))} of these introductions.`,
    chart: { type: 'bar', category: 'introduction', series: ['introductions'] },
    table: {
      columns: [
        { key: 'introduction', label: 'Introduction', kind: 'text' },
        { key: 'introductions', label: 'Introductions', kind: 'count' },
      ],
      rows: [
        { introduction: 'Accompanied by a link worker', introductions: count(accompanied, scope) },
        { introduction: 'Not accompanied', introductions: count(total - accompanied, scope) },
      ],
    },
  };
  const headline: Headline = { label: 'Accompanied introductions', value: percent(accompanied, total, scope), kind: 'percent', detail: `${countText(count(accompanied, scope))} ${of(total, 'introductions', scope)}` };
  return { figure, headline };
}

export const flowDashboard: DashboardDefinition = {
  name: 'flow',
  title: 'Flow',
  description: 'How people move from referral to support: the waiting list, time to first contact, engagement, connection to activities, and why support ends.',
  action: 'view',
  async build(tx, scope, filters) {
    const wait = await waiting(tx, scope, filters);
    const contact = await firstContact(tx, scope, filters);
    const stages = await journey(tx, scope, filters);
    const closures = await caseClosures(tx, scope, filters);
    const introduced = await introductions(tx, scope, filters);
    return {
      name: 'flow',
      title: flowDashboard.title,
      description: flowDashboard.description,
      filters,
      headlines: [wait.headline, contact.headline, ...stages.headlines, introduced.headline],
      figures: [wait.figure, contact.figure, stages.figure, closures, introduced.figure],
    };
  },
};
