import { sql } from 'kysely';
import type { Tx } from '../../../platform/db/database.js';
import { NEEDS_TAXONOMY_ID } from '../../directory/taxonomy.js';
import type { Dashboard, DashboardDefinition, ReportFilters, ReportScope } from '../model.js';
import { shownCount } from '../suppression.js';
import { factConditions, inPeriod, windowOf, type Window } from './conditions.js';
import { countText, percent, percentText } from './wording.js';

/**
 * Activity offers: what kinds of support people were offered, how offers went, and which providers
 * took introductions. Saying no is a person's choice and as good an outcome as saying yes, so "said
 * no" and "stopped going" are shown beside uptake, never as a failure or a drop-out rate.
 *
 * Period: offers made in the period. Cohort: the case's multiple-disadvantage status. Every figure
 * aggregates the offer facts (migrations/0014_report_facts.sql).
 */

/**
 * Offers made in the period that pass the filters, as CTE `scoped`: one row each from the offer
 * facts, with where the offer has been (interested, introduced, went) already worked out from its
 * history. A person who went and later stopped did take it up.
 */
function scopedOffers(w: Window) {
  return sql`scoped AS (
    SELECT o.offer_id AS id, o.organisation_id, o.directory_service_id, o.state, o.accompanied, o.interested, o.introduced, o.went
    FROM report_offer_fact o
    WHERE ${factConditions(w, 'o')} AND ${inPeriod(sql`o.created_at`, w)}
  )`;
}

/**
 * Offers by the need categories of the service offered. Offers are counted per directory service
 * first, so only the services offered are looked up in the (national) directory, each through its
 * indexes. OFFSET 0 keeps the planner from flattening the LATERAL lookup into a join of the whole
 * directory, which read its 400,000 attributes for every report at national scale.
 */
async function byCategory(tx: Tx, w: Window) {
  const { rows } = await sql<{ code: string | null; label: string | null; offers: number; went: number; declined: number; stopped: number }>`
    WITH ${scopedOffers(w)},
    per_service AS (
      SELECT s.directory_service_id, count(*) AS offers,
             count(*) FILTER (WHERE s.state IN ('attending', 'completed')) AS went,
             count(*) FILTER (WHERE s.state = 'declined') AS declined,
             count(*) FILTER (WHERE s.state = 'stopped') AS stopped
      FROM scoped s
      GROUP BY s.directory_service_id
    )
    SELECT c.code, coalesce(n.label, c.name) AS label, sum(p.offers)::int AS offers, sum(p.went)::int AS went,
           sum(p.declined)::int AS declined, sum(p.stopped)::int AS stopped
    FROM per_service p
    LEFT JOIN LATERAL (
      SELECT t.code, t.name
      FROM directory_service ds
      JOIN directory_attribute a ON a.organisation_id = ds.organisation_id AND a.link_entity = 'service' AND a.link_id = ds.id
      JOIN directory_taxonomy_term t ON t.id = a.taxonomy_term_id AND t.taxonomy_id = ${NEEDS_TAXONOMY_ID}::uuid
      WHERE ds.id = p.directory_service_id
      OFFSET 0
    ) c ON true
    LEFT JOIN need_code n ON n.code = c.code
    GROUP BY c.code, coalesce(n.label, c.name)
    ORDER BY sum(p.offers) DESC, c.code NULLS LAST`.execute(tx);
  return rows;
}

async function uptake(tx: Tx, w: Window) {
  const { rows } = await sql<{ offers: number; interested: number; introduced: number; accompanied: number; went: number; completed: number; declined: number; stopped: number; considering: number }>`
    WITH ${scopedOffers(w)}
    SELECT count(*)::int AS offers,
           count(*) FILTER (WHERE e.interested)::int AS interested,
           count(*) FILTER (WHERE e.introduced)::int AS introduced,
           count(*) FILTER (WHERE e.introduced AND e.accompanied)::int AS accompanied,
           count(*) FILTER (WHERE e.went)::int AS went,
           count(*) FILTER (WHERE e.state = 'completed')::int AS completed,
           count(*) FILTER (WHERE e.state = 'declined')::int AS declined,
           count(*) FILTER (WHERE e.state = 'stopped')::int AS stopped,
           count(*) FILTER (WHERE e.state IN ('suggested', 'interested'))::int AS considering
    FROM scoped e`.execute(tx);
  return rows[0]!;
}

const TOP_PROVIDERS = 10;

async function topProviders(tx: Tx, w: Window) {
  const { rows } = await sql<{ provider: string | null; introductions: number; accompanied: number; went: number }>`
    WITH ${scopedOffers(w)}
    SELECT d.name AS provider, count(*)::int AS introductions,
           count(*) FILTER (WHERE e.accompanied)::int AS accompanied,
           count(*) FILTER (WHERE e.went)::int AS went
    FROM scoped e
    LEFT JOIN directory_service ds ON ds.id = e.directory_service_id
    LEFT JOIN directory_organization d ON d.organisation_id = ds.organisation_id AND d.id = ds.directory_organization_id
    WHERE e.introduced
    GROUP BY d.name
    ORDER BY count(*) DESC, d.name NULLS LAST
    LIMIT ${TOP_PROVIDERS}`.execute(tx);
  return rows;
}

export const offersDashboard: DashboardDefinition = {
  name: 'offers',
  title: 'Activity offers',
  description:
    'The kinds of support people were offered in the period, how the offers went, and the providers that took introductions. ' +
    'Saying no or stopping is a person’s choice, shown beside uptake and never counted against anyone.',
  action: 'view',

  async build(tx: Tx, scope: ReportScope, filters: ReportFilters): Promise<Dashboard> {
    const w = windowOf(scope, filters);
    const hide = scope.suppress;
    const categories = await byCategory(tx, w);
    const u = await uptake(tx, w);
    const providers = await topProviders(tx, w);
    const c = (n: number) => shownCount(n, hide);
    const ofOffers = (n: number) => percent(n, u.offers, scope);

    const categoryRows = categories.map((r) => ({
      category: r.label ?? 'Not categorised in the directory',
      offers: c(r.offers),
      went: c(r.went),
      declined: c(r.declined),
      stopped: c(r.stopped),
    }));
    const top = categoryRows[0];
    const categorySummary =
      u.offers === 0
        ? 'No offers were made in this period.'
        : `${top!.category} had the most offers (${countText(top!.offers)}). A service can help with more than one need, so an offer is counted under each of its categories.`;

    const stages = [
      { stage: 'Offers made', count: u.offers },
      { stage: 'Person was interested', count: u.interested },
      { stage: 'Introduced to the provider', count: u.introduced },
      { stage: 'Introduced with their link worker alongside (accompanied)', count: u.accompanied },
      { stage: 'Went at least once', count: u.went },
      { stage: 'Finished the activity', count: u.completed },
      { stage: 'Still thinking about it', count: u.considering },
      { stage: 'Said no, for now', count: u.declined },
      { stage: 'Stopped, after an introduction', count: u.stopped },
    ];
    const uptakeSummary =
      u.offers === 0
        ? 'No offers were made in this period.'
        : `Of ${countText(c(u.offers))} offers, ${countText(c(u.introduced))} led to an introduction and ${countText(c(u.went))} to the person going at least once (${percentText(ofOffers(u.went))}). ` +
          `People said no to ${countText(c(u.declined))}: trying and turning down activities is part of finding what fits.`;

    const providerRows = providers.map((p) => ({
      provider: p.provider ?? 'A service no longer in a directory you can see',
      introductions: c(p.introductions),
      accompanied: c(p.accompanied),
      went: c(p.went),
    }));
    const providerSummary =
      providerRows.length === 0
        ? 'No introductions were made in this period.'
        : `${providerRows[0]!.provider} took the most introductions (${countText(providerRows[0]!.introductions)}).`;

    return {
      name: 'offers',
      title: offersDashboard.title,
      description: offersDashboard.description,
      filters,
      headlines: [
        { label: 'Offers made', value: c(u.offers), kind: 'count' },
        { label: 'Went at least once', value: ofOffers(u.went), kind: 'percent', detail: `${countText(c(u.went))} of ${countText(c(u.offers))} offers` },
        { label: 'Accompanied introductions', value: c(u.accompanied), kind: 'count', detail: `of ${countText(c(u.introduced))} introductions` },
      ],
      figures: [
        {
          id: 'offers-by-category',
          title: 'Offers by kind of support',
          summary: categorySummary,
          chart: { type: 'bar', category: 'category', series: ['went', 'declined', 'stopped'] },
          table: {
            columns: [
              { key: 'category', label: 'Kind of support (directory category)', kind: 'text' },
              { key: 'offers', label: 'Offers', kind: 'count' },
              { key: 'went', label: 'Going or finished', kind: 'count' },
              { key: 'declined', label: 'Said no, for now', kind: 'count' },
              { key: 'stopped', label: 'Stopped going', kind: 'count' },
            ],
            rows: categoryRows,
          },
        },
        {
          id: 'offer-uptake',
          title: 'How offers went',
          summary: uptakeSummary,
          chart: { type: 'bar', category: 'stage', series: ['offers'] },
          table: {
            columns: [
              { key: 'stage', label: 'Offers that reached this point', kind: 'text' },
              { key: 'offers', label: 'Offers', kind: 'count' },
              { key: 'percent', label: 'Share of offers made', kind: 'percent' },
            ],
            rows: stages.map((s) => ({ stage: s.stage, offers: c(s.count), percent: ofOffers(s.count) })),
          },
        },
        {
          id: 'top-providers',
          title: `Providers taking the most introductions (top ${TOP_PROVIDERS})`,
          summary: providerSummary,
          chart: { type: 'bar', category: 'provider', series: ['introductions', 'accompanied', 'went'] },
          table: {
            columns: [
              { key: 'provider', label: 'Provider', kind: 'text' },
              { key: 'introductions', label: 'Introductions', kind: 'count' },
              { key: 'accompanied', label: 'Accompanied', kind: 'count' },
              { key: 'went', label: 'Went at least once', kind: 'count' },
            ],
            rows: providerRows,
          },
        },
      ],
    };
  },
};
