import type { Shown } from './suppression.js';

/**
 * What every dashboard returns: headline figures and figures (a chart with its data table and a
 * text summary). Pages render it with an SVG chart and a table, the API returns it as JSON, and
 * `?format=csv` writes the figures' tables. A dashboard never holds anything about a person.
 */
export const DASHBOARDS = ['referrals', 'flow', 'offers', 'outcomes', 'equity', 'gaps', 'team'] as const;
export type DashboardName = (typeof DASHBOARDS)[number];

export type Cohort = 'all' | 'md' | 'other';

/** The filters every dashboard takes, as query parameters and as the page's filter form. */
export interface ReportFilters {
  /** First day of the period, YYYY-MM-DD (inclusive). */
  from: string;
  /** Last day of the period, YYYY-MM-DD (inclusive). */
  to: string;
  /** One social prescribing service (its organisation id) within the caller's scope; null for all. */
  serviceId: string | null;
  /** One referring GP practice (organisation id); null for all. */
  practiceId: string | null;
  /** The multiple-disadvantage cohort, everyone else, or all. */
  cohort: Cohort;
}

/**
 * Who is asking and what they may see, resolved once per request (src/features/reports/scope.ts).
 * `organisationIds` are the social prescribing services the numbers come from: the caller's own, or
 * the services a commissioner commissions. The database views hold the same line (app_report_scope()).
 */
export interface ReportScope {
  organisationId: string;
  userId: string | null;
  /** The services the caller may report on, by name (for the filter and for tables). */
  services: { id: string; name: string }[];
  /** Suppress small numbers: true for commissioners. */
  suppress: boolean;
}

/** How a column's values read: counts and statistics may be null (suppressed or not available). */
export type ColumnKind = 'text' | 'count' | 'percent' | 'days' | 'number';

export interface Column {
  key: string;
  label: string;
  kind: ColumnKind;
}

export type Cell = string | Shown;

export interface Table {
  columns: Column[];
  rows: Record<string, Cell>[];
}

export interface Chart {
  /** Bars for categories (sources, needs, reasons); a line for months. */
  type: 'bar' | 'line';
  /** The column naming each category (x axis or bar label). */
  category: string;
  /** The numeric columns drawn, one series each (at most 3, so colours stay distinguishable). */
  series: string[];
}

export interface Figure {
  /** Unique within the dashboard; used for element ids and the CSV download (`?figure=<id>`). */
  id: string;
  title: string;
  /** One or two sentences stating what the figure shows, for everyone (not only screen readers). */
  summary: string;
  /** Absent for figures that are only a table. */
  chart?: Chart;
  table: Table;
}

export interface Headline {
  label: string;
  value: Cell;
  kind: ColumnKind;
  /** e.g. "of 1,204 referrals", shown under the number. */
  detail?: string;
}

export interface Dashboard {
  name: DashboardName;
  title: string;
  /** A line under the title: what the dashboard answers. */
  description: string;
  filters: ReportFilters;
  headlines: Headline[];
  figures: Figure[];
}

/**
 * One dashboard: src/features/reports/dashboards/<name>.ts exports one of these, and the registry
 * (dashboards/index.ts) lists them. `build` runs inside the caller's scoped transaction and reads
 * only the report_* views (and, for the team dashboard, the service's own casework tables). Each
 * figure is one SQL aggregate, so a dashboard costs what its figures' queries cost.
 */
export interface DashboardDefinition {
  name: DashboardName;
  title: string;
  description: string;
  /** The policy action needed beyond 'view' (the team dashboard needs 'view-team'). */
  action: 'view' | 'view-team';
  build(tx: import('../../platform/db/database.js').Tx, scope: ReportScope, filters: ReportFilters): Promise<Dashboard>;
}
