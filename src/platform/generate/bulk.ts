import { CompiledQuery } from 'kysely';
import type { Tx } from '../db/database.js';

/**
 * Bulk writes for generators: a table's rows of one batch in a single
 * `INSERT … SELECT … FROM unnest($1::uuid[], $2::text[], …)`, one array per column. On PostgreSQL this
 * is the nearest thing to COPY without a COPY client, and on PGlite the fastest way measured
 * (bench/directory-import.ts). Rows are checked by row-level security like any other insert, so the
 * transaction must be scoped to the organisation that owns them.
 */

export type Value = string | number | boolean | null;

/**
 * A column: its name, the PostgreSQL type its values are sent as, and optionally an expression in which
 * `%` stands for the sent value — e.g. a text[] column sent as comma-joined text, because unnest() would
 * flatten an array of arrays.
 */
export type Column = readonly [name: string, type: string, expression?: string];

function unnestStatement(table: string, columns: readonly Column[]): string {
  const names = columns.map(([name]) => name).join(', ');
  const aliases = columns.map((_, i) => `c${i}`);
  const select = columns.map(([, , expression], i) => (expression ? expression.replaceAll('%', aliases[i]!) : aliases[i])).join(', ');
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  return `INSERT INTO ${table} (${names}) SELECT ${select} FROM unnest(${arrays}) AS u(${aliases.join(', ')})`;
}

/** Inserts rows (arrays in `columns` order) into `table`; `statements` caches the SQL text across batches. */
export async function insertUnnest(tx: Tx, table: string, columns: readonly Column[], rows: readonly Value[][], statements = new Map<string, string>()): Promise<void> {
  if (rows.length === 0) return;
  let text = statements.get(table);
  if (!text) statements.set(table, (text = unnestStatement(table, columns)));
  const width = columns.length;
  const arrays: Value[][] = Array.from({ length: width }, () => new Array<Value>(rows.length));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < width; c++) arrays[c]![r] = row[c]!;
  }
  await tx.executeQuery(CompiledQuery.raw(text, arrays));
}
