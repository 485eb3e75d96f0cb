import { CompiledQuery, sql } from 'kysely';
import type { Database, Tx } from '../../../platform/db/database.js';
import { insertUnnest } from '../../../platform/generate/bulk.js';
import { ATTRIBUTE_TAXONOMY_ID, NEEDS_TAXONOMY_ID } from '../taxonomy.js';
import { DIRECTORY_TABLES, generateDirectory, TABLE_ORDER, type DirectoryBatch, type DirectoryTable, type GenerateOptions, type TermIds, type Value } from './generate.js';

/**
 * Writes a generated directory (generate.ts) into the database as fast as plain SQL allows: one
 * transaction per batch of services, in the curating organisation's context (row-level security
 * checks every row as it would an import), each table as multi-row statements.
 *
 *  - 'unnest' (default): INSERT … SELECT … FROM unnest($1::uuid[], $2::text[], …) — one array per
 *    column, a batch's rows of a table in one statement (src/platform/generate/bulk.ts).
 *  - 'values': INSERT … VALUES ($1, …), (…), … — up to 1,000 rows per statement.
 */

export type LoadMethod = 'values' | 'unnest';

/** unnest was the faster of the two on both PGlite and PostgreSQL here (bench/directory-import.ts measures both). */
export const DEFAULT_METHOD: LoadMethod = 'unnest';

export interface LoadOptions extends GenerateOptions {
  method?: LoadMethod;
  onBatch?: (servicesSoFar: number) => void;
}

export interface LoadSummary {
  services: number;
  rows: Record<DirectoryTable, number>;
  totalRows: number;
  seconds: number;
}

/** Most parameters a statement may carry is 65,535; stay well below, and keep statements moderate. */
const MAX_PARAMETERS = 30_000;
const MAX_ROWS = 1000;

/** The attribute and needs terms by code, as the migrations seeded them. */
export async function termIds(db: Database | Tx): Promise<TermIds> {
  const kysely = 'kysely' in db ? db.kysely : db;
  const rows = await kysely
    .selectFrom('directoryTaxonomyTerm')
    .select(['id', 'code', 'taxonomyId'])
    .where('taxonomyId', 'in', [ATTRIBUTE_TAXONOMY_ID, NEEDS_TAXONOMY_ID])
    .execute();
  const attributes = new Map<string, string>();
  const needs = new Map<string, string>();
  for (const row of rows) {
    if (!row.code) continue;
    (row.taxonomyId === ATTRIBUTE_TAXONOMY_ID ? attributes : needs).set(row.code, row.id);
  }
  return { attributes, needs };
}

function valuesStatement(table: DirectoryTable, rowCount: number): string {
  const columns = DIRECTORY_TABLES[table];
  const tuples: string[] = [];
  let n = 1;
  for (let r = 0; r < rowCount; r++) {
    const placeholders: string[] = [];
    for (let c = 0; c < columns.length; c++) placeholders.push(`$${n++}`);
    tuples.push(`(${placeholders.join(',')})`);
  }
  return `INSERT INTO ${table} (${columns.map(([name]) => name).join(', ')}) VALUES ${tuples.join(',')}`;
}

/** Inserts rows (arrays in DIRECTORY_TABLES column order) into one table. */
export async function insertRows(tx: Tx, table: DirectoryTable, rows: Value[][], method: LoadMethod = DEFAULT_METHOD, statements = new Map<string, string>()): Promise<void> {
  if (rows.length === 0) return;
  if (method === 'unnest') return insertUnnest(tx, table, DIRECTORY_TABLES[table], rows, statements);
  const width = DIRECTORY_TABLES[table].length;
  const perStatement = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS / width)));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const key = `${table}:${chunk.length}`;
    let text = statements.get(key);
    if (!text) statements.set(key, (text = valuesStatement(table, chunk.length)));
    const parameters: Value[] = new Array(chunk.length * width);
    let p = 0;
    for (const row of chunk) for (let c = 0; c < width; c++) parameters[p++] = row[c]!;
    await tx.executeQuery(CompiledQuery.raw(text, parameters));
  }
}

/** Inserts one generated batch, parents before children, inside the caller's transaction. */
export async function insertBatch(tx: Tx, batch: DirectoryBatch, method: LoadMethod = DEFAULT_METHOD, statements = new Map<string, string>()): Promise<void> {
  for (const table of TABLE_ORDER) await insertRows(tx, table, batch[table], method, statements);
}

/** Generates `count` services and loads them into the directory of `organisationId`. */
export async function loadGeneratedDirectory(db: Database, options: LoadOptions): Promise<LoadSummary> {
  const started = performance.now();
  const terms = await termIds(db);
  const rows = Object.fromEntries(TABLE_ORDER.map((t) => [t, 0])) as Record<DirectoryTable, number>;
  const statements = new Map<string, string>();
  let services = 0;
  for (const batch of generateDirectory(options, terms)) {
    await db.inScope({ organisationId: options.organisationId, userId: null }, (tx) => insertBatch(tx, batch, options.method, statements));
    for (const table of TABLE_ORDER) rows[table] += batch[table].length;
    services += batch.directory_service.length;
    options.onBatch?.(services);
  }
  return { services, rows, totalRows: Object.values(rows).reduce((a, b) => a + b, 0), seconds: (performance.now() - started) / 1000 };
}

/**
 * Removes every directory row of one curating organisation (generated or imported), children first,
 * one table at a time. Import runs (directory_import) and audit events stay. For benchmarks.
 */
export async function clearDirectory(db: Database, organisationId: string): Promise<void> {
  const tables = [
    'directory_attribute', 'directory_language', 'directory_phone', 'directory_contact',
    'directory_schedule', 'directory_cost_option', 'directory_service_area', 'directory_funding', 'directory_accessibility', 'directory_address',
    'directory_service_at_location', 'directory_location', 'directory_service', 'directory_organization',
  ];
  for (const table of tables) {
    await db.inScope({ organisationId, userId: null }, (tx) => sql`DELETE FROM ${sql.table(table)} WHERE organisation_id = ${organisationId}::uuid`.execute(tx));
  }
}
