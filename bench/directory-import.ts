// ORUK import throughput: `linkwork import oruk`'s importer (streamed JSON, a transaction per batch
// of 250 services with one unnest INSERT per table, re-import detection by hash, organizations and
// locations upserted once per run, audit) reading an ORUK 3.0 file of BENCH_IMPORT_SERVICES
// generated services (default 10,000; BENCH_IMPORT_SERVICES=100000 for the full size), against a
// floor measured in the same run: bulk INSERTs of the same services' rows (generate/load.ts: one
// unnest() INSERT per table per 1,000 services, in scoped transactions). The file is the generated
// directory written by the real exporter (`linkwork export oruk`), so it holds what Linkwork itself
// produces.
//
//   npx tsx bench/directory-import.ts                                  PGlite, 10,000 services
//   BENCH_IMPORT_SERVICES=100000 npx tsx bench/directory-import.ts     the full size (slow)
//   bash .ci/run npx tsx bench/directory-import.ts                     PGlite, then PostgreSQL
import { createWriteStream, mkdtempSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { exportOruk } from '../src/features/directory/export/export.js';
import { clearDirectory, loadGeneratedDirectory, type LoadMethod } from '../src/features/directory/generate/load.js';
import { ensurePostcodeCentroids } from '../src/features/directory/geo/centroids.js';
import { importOruk } from '../src/features/directory/import/importer.js';
import { systemContext } from '../src/platform/context.js';
import { openDatabase, type Database } from '../src/platform/db/database.js';
import { createServices } from '../src/services.js';
import { writeTo } from '../src/platform/write-stream.js';
import { benchPostgres } from './support.js';

const SERVICES = Number(process.env.BENCH_IMPORT_SERVICES ?? 10_000);
const SEED = Number(process.env.BENCH_SEED ?? 2);
const METHOD = (process.env.BENCH_LOAD_METHOD ?? 'unnest') as LoadMethod;
const secret = 'bench-secret-bench-secret-bench-secret-0123';
const GOAL = 0.3;

const COUNTED = [
  'directory_organization', 'directory_service', 'directory_location', 'directory_address', 'directory_service_at_location', 'directory_schedule',
  'directory_cost_option', 'directory_attribute', 'directory_phone', 'directory_contact', 'directory_language',
] as const;

async function newOrganisation(db: Database, name: string) {
  const services = createServices(db, { sessionSecret: secret, sessionIdleMinutes: 30, sessionAbsoluteHours: 12 });
  const slug = `bench-${name}-${Date.now()}`;
  return services.organisations.add({ userId: null, label: 'bench', platformAdmin: true }, null, { slug, name: `Bench ${name}`, type: 'sp-service' });
}

async function countRows(db: Database, organisationId: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  await db.inScope({ organisationId, userId: null }, async (tx) => {
    for (const table of COUNTED) {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)} WHERE organisation_id = ${organisationId}::uuid`.execute(tx);
      out[table] = rows[0]!.n;
    }
  });
  return out;
}

const perSecond = (n: number, seconds: number) => Math.round(n / seconds).toLocaleString('en-GB');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function vacuum(db: Database, migrationUrl: string | null): Promise<void> {
  if (db.kind === 'pglite') return;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: migrationUrl! });
  await client.connect();
  try {
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}

/**
 * One database kind. `open` gives a fresh database for each phase on PGlite (in memory), so the
 * import meets empty tables as the floor did; on PostgreSQL there is one database, emptied between
 * the phases and vacuumed.
 */
async function run(label: string, open: () => Promise<Database>, migrationUrl: string | null, shared: boolean): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'linkwork-bench-'));
  const file = path.join(dir, 'services.json');
  try {
    console.log(`\n[${label}] ORUK 3.0 import of ${SERVICES.toLocaleString('en-GB')} generated services (seed ${SEED})`);
    // 1. The floor: the generated rows, bulk-inserted.
    let db = await open();
    await db.migrate();
    await ensurePostcodeCentroids(db);
    const source = await newOrganisation(db, 'source');
    const floor = await loadGeneratedDirectory(db, { organisationId: source.id, count: SERVICES, seed: SEED, method: METHOD });
    console.log(
      `floor: bulk INSERT (${METHOD}) of ${floor.services.toLocaleString('en-GB')} services, ${floor.totalRows.toLocaleString('en-GB')} rows in ${floor.seconds.toFixed(1)} s ` +
        `→ ${perSecond(floor.services, floor.seconds)} services/s (${perSecond(floor.totalRows, floor.seconds)} rows/s)`,
    );

    // 2. The file, by the real exporter.
    let started = performance.now();
    const out = createWriteStream(file);
    const exported = await exportOruk(db, { organisationId: source.id, userId: null }, (text) => writeTo(out, text));
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    const exportSeconds = (performance.now() - started) / 1000;
    console.log(`export (linkwork export oruk): ${exported.services.toLocaleString('en-GB')} services, ${mb(statSync(file).size)} of JSON in ${exportSeconds.toFixed(1)} s → ${perSecond(exported.services, exportSeconds)} services/s`);
    const floorRows = await countRows(db, source.id);

    // 3. The import, into a directory as empty as the floor's was.
    if (shared) {
      started = performance.now();
      await clearDirectory(db, source.id);
      await vacuum(db, migrationUrl);
      console.log(`(emptied the floor's directory and vacuumed in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    } else {
      await db.close();
      db = await open();
      await db.migrate();
      await ensurePostcodeCentroids(db);
    }
    const target = await newOrganisation(db, 'import');
    const ctx = systemContext(target.id, 'bench');
    let lastShown = 0;
    const summary = await importOruk(db, ctx, {
      paths: [file],
      onProgress: (p) => {
        if (process.stdout.isTTY && p.read - lastShown >= 5000) {
          process.stdout.write(`\r  importing… ${p.read.toLocaleString('en-GB')}`);
          lastShown = p.read;
        }
      },
    });
    if (process.stdout.isTTY) process.stdout.write('\r');
    if (summary.created !== exported.services || summary.rejected !== 0) {
      throw new Error(`import created ${summary.created} and rejected ${summary.rejected} of ${exported.services}: ${JSON.stringify(summary.rejections.slice(0, 3))}`);
    }
    console.log(
      `Linkwork: importOruk created ${summary.created.toLocaleString('en-GB')} services in ${summary.seconds.toFixed(1)} s → ${perSecond(summary.created, summary.seconds)} services/s`,
    );
    const importedRows = await countRows(db, target.id);
    const differences = COUNTED.filter((t) => importedRows[t] !== floorRows[t]).map((t) => `${t} ${floorRows[t]} → ${importedRows[t]}`);
    console.log(differences.length ? `rows differ from the floor's: ${differences.join(', ')}` : 'the import wrote the same number of rows in every table as the floor');
    if (SERVICES < 100_000) {
      const minutes = (n: number, rate: number) => `${(n / rate / 60).toFixed(1)} min`;
      console.log(
        `extrapolated to 100,000 services at these rates: import ${minutes(100_000, summary.created / summary.seconds)}, floor ${minutes(100_000, floor.services / floor.seconds)} ` +
          '(linear: both will slow somewhat as the text indexes grow, so take these as lower bounds)',
      );
    }
    const ratio = floor.seconds / summary.seconds;
    console.log(`ratio (import / floor throughput): ${ratio.toFixed(2)}× ${ratio >= GOAL ? `(meets ≥${GOAL}×)` : `(misses ≥${GOAL}×)`}`);

    // Re-importing the unchanged file: the fast path (one query per 250 services, nothing written).
    const again = await importOruk(db, ctx, { paths: [file] });
    console.log(`re-import of the same file: ${again.unchanged.toLocaleString('en-GB')} unchanged in ${again.seconds.toFixed(1)} s → ${perSecond(again.unchanged, again.seconds)} services/s`);

    if (shared) await clearDirectory(db, target.id);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// BENCH_DATABASES=postgresql (or pglite) measures one of the two only.
const only = process.env.BENCH_DATABASES?.split(',');
if (!only || only.includes('pglite')) await run('pglite', () => openDatabase({ kind: 'pglite' }), null, false);
const postgres = benchPostgres();
if (postgres && (!only || only.includes('postgresql'))) await run('postgresql', () => openDatabase({ kind: 'postgresql', ...postgres }), postgres.migrationDatabaseUrl, true);
else console.log('\n(PostgreSQL not measured: set BENCH_DATABASE_URL, or run `bash .ci/run npx tsx bench/directory-import.ts`)');
