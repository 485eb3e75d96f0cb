import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/database.js';
import { periodInstants, servicesFor } from '../filters.js';
import { CASE_CLOSE_REASON_LABELS, type CaseCloseReason } from '../../cases/rules.js';
import type { DashboardDefinition, Figure, Headline, ReportFilters, ReportScope } from '../model.js';
import { count, countHeadline, n, of, percent, periodText, referralConditions, statistic, words } from './shared.js';

/**
 * Flow: how people move from referral to support. The waiting list is as it stands now; everything
 * else follows the referrals received in the period (or, for closures and introductions, what
 * happened in the period). Every figure is one aggregate over the report_* views.
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

/**
 * Referrals that reached "engaged", and cases with an offer attended (or completed: the person is
 * connected), each as one grouped pass joined once. An EXISTS per referral would go through the
 * views' scope check for every row: 40 s and more for an ICB at national scale.
 */
function engagedReferrals(services: string[]) {
  return sql`(SELECT e.organisation_id, e.referral_id FROM report_referral_event e
              WHERE e.to_status = 'engaged' AND e.organisation_id = ANY(${services}::uuid[])
              GROUP BY e.organisation_id, e.referral_id)`;
}

function connectedCases(services: string[]) {
  return sql`(SELECT o.organisation_id, o.case_id FROM report_offer o
              JOIN report_offer_event e ON e.organisation_id = o.organisation_id AND e.offer_id = o.id
              WHERE e.to_state IN ('attending', 'completed') AND o.organisation_id = ANY(${services}::uuid[])
              GROUP BY o.organisation_id, o.case_id)`;
}

/** Days from the day a referral arrived to its first contact. */
const DAYS_TO_FIRST_CONTACT = sql`(c.first_contact_on - (r.received_at AT TIME ZONE 'UTC')::date)`;

async function journey(tx: Tx, scope: ReportScope, filters: ReportFilters) {
  const services = servicesFor(scope, filters);
  const row = await tx
    .selectFrom('reportReferral as r')
    .leftJoin('reportCase as c', (join) => join.onRef('c.organisationId', '=', 'r.organisationId').onRef('c.id', '=', 'r.caseId'))
    .leftJoin(engagedReferrals(services).as('engaged'), (join) => join.onRef(sql.ref('engaged.organisation_id'), '=', 'r.organisationId').onRef(sql.ref('engaged.referral_id'), '=', 'r.id'))
    .leftJoin(connectedCases(services).as('connected'), (join) => join.onRef(sql.ref('connected.organisation_id'), '=', 'r.organisationId').onRef(sql.ref('connected.case_id'), '=', 'r.caseId'))
    .where(referralConditions(scope, filters))
    .select([
      sql<string>`count(*)`.as('received'),
      sql<string>`count(*) FILTER (WHERE r.case_id IS NOT NULL)`.as('accepted'),
      sql<string>`count(*) FILTER (WHERE c.first_contact_on IS NOT NULL)`.as('firstContact'),
      sql<string>`count(*) FILTER (WHERE engaged.referral_id IS NOT NULL)`.as('engaged'),
      sql<string>`count(*) FILTER (WHERE r.case_id IS NOT NULL AND connected.case_id IS NOT NULL)`.as('connected'),
    ])
    .executeTakeFirstOrThrow();
  const [received, accepted, firstContact, engaged, connected] = [row.received, row.accepted, row.firstContact, row.engaged, row.connected].map(n) as [number, number, number, number, number];
  const figure: Figure = {
    id: 'journey',
    title: 'From referral to connection',
    summary: `Of ${words(count(received, scope))} referrals received ${periodText(filters)}, ${words(count(accepted, scope))} were accepted, ${words(count(firstContact, scope))} had a first contact, ${words(count(engaged, scope))} engaged with a link worker and ${words(count(connected, scope))} were connected: attending at least one activity or service offered.`,
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
    { label: 'Engaged', value: percent(engaged, accepted, scope), kind: 'percent', detail: `${words(count(engaged, scope))} ${of(accepted, 'accepted referrals', scope)}` },
    { label: 'Connected', value: percent(connected, accepted, scope), kind: 'percent', detail: `${words(count(connected, scope))} ${of(accepted, 'accepted referrals', scope)}` },
  ];
  return { figure, headlines };
}

async function firstContact(tx: Tx, scope: ReportScope, filters: ReportFilters) {
  const row = await tx
    .selectFrom('reportReferral as r')
    .innerJoin('reportCase as c', (join) => join.onRef('c.organisationId', '=', 'r.organisationId').onRef('c.id', '=', 'r.caseId'))
    .where(referralConditions(scope, filters))
    .where('c.firstContactOn', 'is not', null)
    .select([
      sql<string>`count(*)`.as('people'),
      sql<number | null>`percentile_cont(0.5) WITHIN GROUP (ORDER BY ${DAYS_TO_FIRST_CONTACT})`.as('median'),
      sql<number | null>`percentile_cont(0.9) WITHIN GROUP (ORDER BY ${DAYS_TO_FIRST_CONTACT})`.as('p90'),
    ])
    .executeTakeFirstOrThrow();
  const people = n(row.people);
  const median = statistic(row.median === null ? null : Number(row.median), people, scope);
  const p90 = statistic(row.p90 === null ? null : Number(row.p90), people, scope);
  const figure: Figure = {
    id: 'first-contact',
    title: 'Days from referral to first contact',
    summary: `For the ${words(count(people, scope))} referrals received ${periodText(filters)} that have had a first contact, half were contacted within ${words(median, 'days')} days and nine in ten within ${words(p90, 'days')} days.`,
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

async function waiting(tx: Tx, scope: ReportScope, filters: ReportFilters) {
  const days = sql`(now()::date - (r.received_at AT TIME ZONE 'UTC')::date)`;
  const band = sql<string>`CASE ${sql.join(
    WAIT_BANDS.filter((b) => b.below !== null).map((b) => sql`WHEN ${days} < ${sql.lit(b.below)} THEN ${sql.lit(b.key)}`),
    sql` `,
  )} ELSE ${sql.lit(WAIT_BANDS[WAIT_BANDS.length - 1]!.key)} END`;
  const rows = await tx
    .selectFrom('reportReferral as r')
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
    summary: `${words(count(total, scope))} referrals are waiting now for a decision or a first contact, by how long they have waited since the referral arrived. This is today’s waiting list, so the period does not apply; the other filters do.`,
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
  const { start, end } = periodInstants(filters);
  const rows = await tx
    .selectFrom('reportCase as c')
    .innerJoin('reportReferral as r', (join) => join.onRef('r.organisationId', '=', 'c.organisationId').onRef('r.id', '=', 'c.referralId'))
    .where(referralConditions(scope, filters, { period: false }))
    .where('c.closedAt', '>=', start)
    .where('c.closedAt', '<', end)
    .select([sql<string>`coalesce(c.closed_reason, 'unknown')`.as('reason'), sql<string>`count(*)`.as('cases')])
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

/** Offers introduced in the period, one grouped pass (as engagedReferrals, for the same reason). */
function introducedIn(services: string[], start: Date, end: Date) {
  return sql`(SELECT e.organisation_id, e.offer_id FROM report_offer_event e
              WHERE e.to_state = 'introduced' AND e.occurred_at >= ${start} AND e.occurred_at < ${end}
                AND e.organisation_id = ANY(${services}::uuid[])
              GROUP BY e.organisation_id, e.offer_id)`;
}

async function introductions(tx: Tx, scope: ReportScope, filters: ReportFilters) {
  const { start, end } = periodInstants(filters);
  const row = await tx
    .selectFrom('reportOffer as o')
    .innerJoin('reportCase as c', (join) => join.onRef('c.organisationId', '=', 'o.organisationId').onRef('c.id', '=', 'o.caseId'))
    .innerJoin('reportReferral as r', (join) => join.onRef('r.organisationId', '=', 'c.organisationId').onRef('r.id', '=', 'c.referralId'))
    .innerJoin(introducedIn(servicesFor(scope, filters), start, end).as('introduced'), (join) =>
      join.onRef(sql.ref('introduced.organisation_id'), '=', 'o.organisationId').onRef(sql.ref('introduced.offer_id'), '=', 'o.id'),
    )
    .where(referralConditions(scope, filters, { period: false }))
    .select([sql<string>`count(*)`.as('introductions'), sql<string>`count(*) FILTER (WHERE o.accompanied)`.as('accompanied')])
    .executeTakeFirstOrThrow();
  const total = n(row.introductions);
  const accompanied = n(row.accompanied);
  const figure: Figure = {
    id: 'introductions',
    title: 'Introductions to activities and services',
    summary: `${words(count(total, scope))} introductions to an activity or service were made ${periodText(filters)}; a link worker went along to ${words(count(accompanied, scope))} of these introductions.`,
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
  const headline: Headline = { label: 'Accompanied introductions', value: percent(accompanied, total, scope), kind: 'percent', detail: `${words(count(accompanied, scope))} ${of(total, 'introductions', scope)}` };
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
