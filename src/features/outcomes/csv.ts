import { parse } from 'csv-parse/sync';
import { csvDocument } from '../../platform/csv.js';
import type { GpAttendanceRow, OutcomeExportRow } from './service.js';

/** The outcomes export's columns, in order: the header row names them in snake_case for spreadsheets. */
const EXPORT_COLUMNS: [keyof OutcomeExportRow, string][] = [
  ['person', 'person'],
  ['kind', 'kind'],
  ['code', 'code'],
  ['date', 'date'],
  ['timepoint', 'timepoint'],
  ['declined', 'declined'],
  ['answers', 'answers'],
  ['score', 'score'],
  ['itemScores', 'item_scores'],
  ['snomedCode', 'snomed_code'],
];

export function outcomesCsv(rows: readonly OutcomeExportRow[]): string {
  return csvDocument(
    EXPORT_COLUMNS.map(([, header]) => header),
    rows.map((row) => EXPORT_COLUMNS.map(([key]) => row[key])),
  );
}

export class GpFileProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpFileProblem';
  }
}

const squash = (header: string) => header.toLowerCase().replace(/[\s_-]/g, '');

/**
 * Reads a GP attendance CSV with a header row: an NHS number column (nhs_number, "NHS number") or a
 * person id column (person_id), a period column (before or after) and a count column. Other
 * columns are ignored.
 */
export function parseGpAttendanceCsv(text: string): GpAttendanceRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (error) {
    throw new GpFileProblem(`The file is not readable CSV: ${(error as Error).message}`);
  }
  const header = records[0]?.record;
  const body = records.slice(1);
  if (!header) throw new GpFileProblem('The file is empty: it needs a header row (nhs_number or person_id, period, count)');
  const names = header.map(squash);
  const column = (name: string) => names.indexOf(name);
  const nhs = column('nhsnumber');
  const person = column('personid');
  const period = column('period');
  const count = column('count');
  const missing = [nhs < 0 && person < 0 && 'nhs_number or person_id', period < 0 && 'period', count < 0 && 'count'].filter(Boolean);
  if (missing.length) throw new GpFileProblem(`The header row needs ${missing.join(', ')} (found: ${header.join(', ')})`);
  return body.map(({ record, info }) => ({
    line: info.lines,
    nhsNumber: nhs >= 0 ? record[nhs] ?? '' : undefined,
    personId: person >= 0 ? record[person] ?? '' : undefined,
    period: record[period] ?? '',
    count: record[count] ?? '',
  }));
}
