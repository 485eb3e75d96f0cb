// Directory search at national scale: GET /api/v1/services (bearer token of a link worker, schemas,
// row-level security, one search statement, JSON) over a generated directory of BENCH_SERVICES
// services (default 100,000) across England, against a floor measured in the same run: the very SQL
// statement and parameters the search service ran for that request, captured from Kysely as it was
// compiled, sent again through the database client in the same kind of scoped transaction.
//
//   npx tsx bench/directory-search.ts                           PGlite, 100,000 services
//   BENCH_SERVICES=10000 BENCH_RUNS=50 npx tsx bench/directory-search.ts    a quick look
//   bash .ci/run npx tsx bench/directory-search.ts              PGlite, then PostgreSQL
import { performance } from 'node:perf_hooks';
import { CompiledQuery, sql } from 'kysely';
import { ensurePostcodeCentroids } from '../src/features/directory/geo/centroids.js';
import { loadGeneratedDirectory } from '../src/features/directory/generate/load.js';
import { systemContext } from '../src/platform/context.js';
import { openDatabase, type Database } from '../src/platform/db/database.js';
import { buildApp } from '../src/platform/http/app.js';
import { registerRoutes } from '../src/routes.js';
import { createServices } from '../src/services.js';
import { benchPostgres, CaptureStatements, capturing, measure, measureTogether, row, type Timing } from './support.js';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const SEED = Number(process.env.BENCH_SEED ?? 1);
const secret = 'bench-secret-bench-secret-bench-secret-0123';

interface Search {
  label: string;
  query: Record<string, string | number | string[]>;
}

// Three searches a link worker makes every day. Postcodes are in busy districts (Leeds, Manchester).
const SEARCHES: Search[] = [
  { label: 'text "gardening"', query: { text: 'gardening' } },
  { label: 'need money-and-debt, 5 km of LS6 1AN', query: { need: 'money-and-debt', postcode: 'LS6 1AN', maxKm: 5 } },
  {
    label: '"walking" + physical-activity, 10 km, free + drop-in',
    query: { text: 'walking', need: 'physical-activity', postcode: 'M14 5RX', maxKm: 10, attribute: ['free', 'drop-in'] },
  },
];

function url(query: Search['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  return `/api/v1/services?${params}`;
}

/** ANALYZE needs the tables' owner: PGlite's session is a superuser; PostgreSQL needs the owner's connection. */
async function analyze(db: Database, migrationUrl: string | null): Promise<void> {
  const tables =
    'directory_service, directory_published_text, directory_location, directory_service_at_location, directory_attribute, directory_schedule, directory_cost_option, directory_organization, directory_taxonomy_term, postcode_centroid';
  if (db.kind === 'pglite') {
    await db.kysely.transaction().execute(async (tx) => {
      await sql`RESET ROLE`.execute(tx);
      await sql.raw(`ANALYZE ${tables}`).execute(tx);
      await sql`SET ROLE linkwork_app`.execute(tx);
    });
    return;
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: migrationUrl! });
  await client.connect();
  try {
    await client.query(`ANALYZE ${tables}`);
  } finally {
    await client.end();
  }
}

/** The plan's first lines, the scans it chose (index names visible) and the time it took. */
function planSummary(lines: string[]): string {
  const scans = new Map<string, number>();
  for (const line of lines) {
    const m = /(Seq Scan|Index Only Scan|Index Scan|Bitmap Index Scan|Bitmap Heap Scan)(?: Backward)?(?: using (\S+))? on (\S+)/.exec(line) ?? /(Bitmap Index Scan) on (\S+)/.exec(line);
    if (!m) continue;
    const key = m[0].trim();
    scans.set(key, (scans.get(key) ?? 0) + 1);
  }
  const top = lines.slice(0, 10).map((l) => `    ${l}`);
  const timing = lines.filter((l) => /^(Planning|Execution) Time/.test(l)).map((l) => `    ${l}`);
  return [
    ...top,
    lines.length > 10 ? `    … (${lines.length - 10} more lines)` : '',
    '    scans: ' + [...scans.entries()].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join('; '),
    ...timing,
  ]
    .filter(Boolean)
    .join('\n');
}

const ratio = (app: Timing, floor: Timing) => ({ p50: app.p50 / floor.p50, p95: app.p95 / floor.p95 });
const mark = (value: number, goal: number) => `${value.toFixed(2)}× ${value <= goal ? '(meets ≤' : '(misses ≤'}${goal}×)`;

async function run(label: string, db: Database, migrationUrl: string | null): Promise<void> {
  await db.migrate();
  await ensurePostcodeCentroids(db);
  const services = createServices(db, { sessionSecret: secret, sessionIdleMinutes: 30, sessionAbsoluteHours: 12 });
  const tag = `${Date.now()}`;
  const organisation = await services.organisations.add({ userId: null, label: 'bench', platformAdmin: true }, null, { slug: `bench-directory-${tag}`, name: 'Bench Directory', type: 'sp-service' });
  const user = await services.users.add(systemContext(organisation.id), { email: `lw-${tag}@example.org`, name: 'Bench Link Worker', role: 'link-worker', password: 'bench-password-long-enough' }, { allowExistingAccount: false });
  const ctx = { ...systemContext(organisation.id), actor: { userId: user.userId, label: user.userId, platformAdmin: false }, role: 'link-worker' as const };
  const { token } = await services.tokens.create(ctx, 'bench');
  const headers = { authorization: `Bearer ${token}` };

  console.log(`\n[${label}] directory search over ${SERVICES.toLocaleString('en-GB')} generated services (seed ${SEED})`);
  let lastShown = 0;
  const load = await loadGeneratedDirectory(db, {
    organisationId: organisation.id,
    count: SERVICES,
    seed: SEED,
    onBatch: (done) => {
      if (process.stdout.isTTY && done - lastShown >= 10_000) {
        process.stdout.write(`\r  loading… ${done.toLocaleString('en-GB')}`);
        lastShown = done;
      }
    },
  });
  if (process.stdout.isTTY) process.stdout.write('\r');
  console.log(
    `loaded ${load.services.toLocaleString('en-GB')} services, ${load.totalRows.toLocaleString('en-GB')} rows in ${load.seconds.toFixed(1)} s ` +
      `(${Math.round(load.totalRows / load.seconds).toLocaleString('en-GB')} rows/s, multi-row INSERTs in batches of 1,000 services)`,
  );
  console.log('  rows: ' + Object.entries(load.rows).map(([t, n]) => `${t.replace('directory_', '')} ${n.toLocaleString('en-GB')}`).join(', '));

  const app = await buildApp({ config: { sessionSecret: secret, logLevel: 'silent', trustProxy: false, databaseKind: db.kind, rateLimitPerMinute: 1_000_000 }, services, routes: registerRoutes, logger: false });
  // A second app over a recording view of the same database, used once per search to capture its SQL.
  const capture = new CaptureStatements();
  const captureDb = capturing(db, capture);
  const captureApp = await buildApp({
    config: { sessionSecret: secret, logLevel: 'silent', trustProxy: false, databaseKind: db.kind, rateLimitPerMinute: 1_000_000 },
    services: createServices(captureDb, { sessionSecret: secret, sessionIdleMinutes: 30, sessionAbsoluteHours: 12 }),
    routes: registerRoutes,
    logger: false,
  });

  // Before ANALYZE (what a fresh PGlite directory has: it has no autovacuum), one quick look.
  const cold: string[] = [];
  for (const search of SEARCHES) {
    const t = await measure(Math.min(RUNS, 20), () => app.inject({ method: 'GET', url: url(search.query), headers }));
    cold.push(`${search.label}: p50 ${t.p50.toFixed(1)} ms`);
  }
  await analyze(db, migrationUrl);
  console.log(`before ANALYZE (20 requests each): ${cold.join('; ')}`);

  const scope = { organisationId: organisation.id, userId: user.userId };
  const results: { search: Search; app: Timing; floor: Timing; bare: Timing; total: number; statements: string[] }[] = [];
  const plans: string[] = [];
  for (const search of SEARCHES) {
    const target = url(search.query);
    // Capture: the first request warms the postcode cache; the second is the steady state measured below.
    await captureApp.inject({ method: 'GET', url: target, headers });
    capture.statements = [];
    const captured = await captureApp.inject({ method: 'GET', url: target, headers });
    if (captured.statusCode !== 200) throw new Error(`${search.label}: ${captured.statusCode} ${captured.body}`);
    const statements = capture.statements;
    const statement = statements.reduce((a, b) => (b.sql.length > a.sql.length ? b : a));
    const raw = CompiledQuery.raw(statement.sql, [...statement.parameters]);
    const body = captured.json() as { total: number; items: unknown[] };

    // Same answer from the floor as from the API?
    const direct = await db.inScope(scope, (tx) => tx.executeQuery(raw));
    if (direct.rows.length !== body.items.length) throw new Error(`${search.label}: floor returned ${direct.rows.length} rows, the API ${body.items.length}`);

    // The API and its floor take turns, request by request, so load from anything else on the machine
    // falls on both alike.
    const together = await measureTogether(RUNS, {
      app: async () => {
        const response = await app.inject({ method: 'GET', url: target, headers });
        if (response.statusCode !== 200) throw new Error(`unexpected ${response.statusCode}: ${response.body}`);
      },
      // Floor: the captured statement in a transaction scoped like the service's (BEGIN, set_config, statement, COMMIT).
      floor: () => db.inScope(scope, (tx) => tx.executeQuery(raw)),
    });
    const appTiming = together.app!;
    const floorTiming = together.floor!;
    // Strictest floor, measured on its own just after: the statement alone on one connection (held,
    // so it cannot take turns on PGlite's single connection), the scope set once for the session.
    const bareTiming = await db.kysely.connection().execute(async (conn) => {
      await sql`SELECT set_config('app.organisation_id', ${scope.organisationId}, false), set_config('app.user_id', ${scope.userId}, false)`.execute(conn);
      try {
        return await measure(RUNS, () => conn.executeQuery(raw));
      } finally {
        await sql`SELECT set_config('app.organisation_id', '', false), set_config('app.user_id', '', false)`.execute(conn);
      }
    });
    const shortly = (text: string) => (text === statement.sql ? 'the search' : text.replace(/\s+/g, ' ').slice(0, 60));
    results.push({ search, app: appTiming, floor: floorTiming, bare: bareTiming, total: body.total, statements: statements.map((s) => shortly(s.sql)) });

    const explained = await db.inScope(scope, (tx) => tx.executeQuery<Record<string, string>>(CompiledQuery.raw(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${statement.sql}`, [...statement.parameters])));
    plans.push(`  ${search.label}\n${planSummary(explained.rows.map((r) => Object.values(r)[0]!))}`);
  }

  // What any authenticated API call costs here (token lookup and membership in their own transaction,
  // schemas, JSON): the part of each search's time that is not the search.
  const me = await measure(RUNS, async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/me', headers });
    if (response.statusCode !== 200) throw new Error(`unexpected ${response.statusCode}`);
  });

  console.log(`\n[${label}] ${RUNS} sequential requests per search (in-process inject, after 50 warm-up requests; API and scoped floor taking turns)`);
  console.log(row('for scale: GET /api/v1/me (auth, no search)', me));
  for (const r of results) {
    console.log(`\n${r.search.label}  →  ${r.total.toLocaleString('en-GB')} matches, ${r.statements.length} statements per request`);
    console.log(row('  floor: the same statement, scoped transaction', r.floor));
    console.log(row('  floor: the statement alone, one connection', r.bare));
    console.log(row('  Linkwork: GET /api/v1/services', r.app));
    const q = ratio(r.app, r.floor);
    const b = ratio(r.app, r.bare);
    console.log(`  ratio to the scoped floor: p50 ${mark(q.p50, 1.3)}, p95 ${mark(q.p95, 1.5)}`);
    console.log(`  ratio to the bare statement: p50 ${b.p50.toFixed(2)}×, p95 ${b.p95.toFixed(2)}×`);
  }
  console.log(`\nstatements of one request (Kysely-compiled, in order):\n${results[0]!.statements.map((s) => `  - ${s}`).join('\n')}`);
  // TIMING OFF: per-node clocks cost a lot in WebAssembly and would inflate PGlite's times; rows stay exact.
  console.log(`\n[${label}] EXPLAIN (ANALYZE, TIMING OFF) of each search statement, as the app role under row-level security`);
  console.log(plans.join('\n\n'));

  await app.close();
  await captureApp.close();
  if (db.kind === 'postgresql') {
    // Leave the shared database as it was for the benchmarks that follow.
    const { clearDirectory } = await import('../src/features/directory/generate/load.js');
    const started = performance.now();
    await clearDirectory(db, organisation.id);
    console.log(`\n(removed the generated directory in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  await db.close();
}

// BENCH_DATABASES=postgresql (or pglite) measures one of the two only.
const only = process.env.BENCH_DATABASES?.split(',');
if (!only || only.includes('pglite')) await run('pglite', await openDatabase({ kind: 'pglite' }), null);
const postgres = benchPostgres();
if (postgres && (!only || only.includes('postgresql'))) await run('postgresql', await openDatabase({ kind: 'postgresql', ...postgres }), postgres.migrationDatabaseUrl);
else console.log('\n(PostgreSQL not measured: set BENCH_DATABASE_URL, or run `bash .ci/run npx tsx bench/directory-search.ts`)');
