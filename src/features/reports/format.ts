import type { Cell, ColumnKind } from './model.js';
import { SUPPRESSED_TEXT } from './suppression.js';

/**
 * How a report value reads on a page, in a chart's description and in CSV. A null is a suppressed
 * value ("fewer than 5"); a string is already words (a category, or "no data" for a statistic with
 * no one behind it).
 */
export function formatCell(value: Cell, kind: ColumnKind): string {
  if (value === null) return SUPPRESSED_TEXT;
  if (typeof value === 'string') return value;
  if (kind === 'percent') return `${value.toLocaleString('en-GB', { maximumFractionDigits: 1 })}%`;
  return value.toLocaleString('en-GB', { maximumFractionDigits: 1 });
}

/** The plain value for CSV: numbers without thousands separators, so spreadsheets read them as numbers. */
export function csvValue(value: Cell): string {
  if (value === null) return SUPPRESSED_TEXT;
  return typeof value === 'string' ? value : String(value);
}
