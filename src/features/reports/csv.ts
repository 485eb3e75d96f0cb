import { csvDocument } from '../../platform/csv.js';
import { NotFound } from '../../platform/errors.js';
import { csvValue } from './format.js';
import type { Dashboard, Figure } from './model.js';

/**
 * A dashboard's data as CSV: one figure's table as it is, or every figure's table in one sheet with
 * the figure's id first and the columns of all of them (a row leaves other figures' columns empty).
 * Suppressed cells read "fewer than 5", as on the page.
 */
export function dashboardCsv(dashboard: Dashboard, figureId?: string): string {
  if (figureId) {
    const figure = dashboard.figures.find((f) => f.id === figureId);
    if (!figure) throw new NotFound(`The ${dashboard.name} report has no figure "${figureId}"`);
    return csvDocument(
      figure.table.columns.map((c) => c.label),
      figure.table.rows.map((row) => figure.table.columns.map((c) => csvValue(row[c.key] ?? null))),
    );
  }
  const labels: string[] = [];
  for (const figure of dashboard.figures) for (const column of figure.table.columns) if (!labels.includes(column.label)) labels.push(column.label);
  const rows = dashboard.figures.flatMap((figure: Figure) =>
    figure.table.rows.map((row) => {
      const byLabel = new Map(figure.table.columns.map((c) => [c.label, csvValue(row[c.key] ?? null)]));
      return [figure.id, ...labels.map((label) => byLabel.get(label) ?? '')];
    }),
  );
  return csvDocument(['figure', ...labels], rows);
}

/** linkwork-referrals-2026-01-01-to-2026-03-31[-by-month].csv */
export function csvFilename(dashboard: Dashboard, figureId?: string): string {
  return `linkwork-${dashboard.name}-${dashboard.filters.from}-to-${dashboard.filters.to}${figureId ? `-${figureId}` : ''}.csv`;
}
