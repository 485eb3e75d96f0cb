// Reports at national scale: every dashboard through GET /api/v1/reports/{dashboard} (bearer token,
// scope resolution, filters, the figures' SQL aggregates over the report facts and views, suppression, JSON),
// against a floor measured in the same run: the figures' aggregate statements the dashboard ran,
// captured from Kysely as compiled, sent again through the database client in one scoped
// transaction. Commissioners' dashboards are asked by the commissioner of the integrated care board
// with the most services; the team dashboard by a team lead of one of them. The server's memory
// (RSS) is sampled while it serves them.
//
// Data: a database holding a generated national year (`linkwork generate`), or, when it holds none,
// BENCH_REFERRALS referrals (default 20,000) generated first with seed 42.
//   BENCH_DATA_DIR=/path/to/pglite npx tsx bench/reports.ts                   PGlite
//   BENCH_DATABASE_URL=… BENCH_MIGRATION_DATABASE_URL=… npx tsx bench/reports.ts   PostgreSQL
//   bash .ci/run npx tsx bench/reports.ts                                    PGlite (in memory), then PostgreSQL
import { performance } from 'node:perf_hooks';
import { CompiledQuery } from 'kysely';
import { DASHBOARD_DEFINITIONS } from '../src/features/reports/dashboards/index.js';
import { useReportSettings } from '../src/features/reports/scope.js';
import { DEFAULT_YEAR_END, generateNational } from '../src/features/synthetic/generate.js';
import type { RequestContext } from '../src/platform/context.js';
import { openDatabase, type Database } from '../src/platform/db/database.js';
import { refreshStatistics } from '../src/platform/db/statistics.js';
import type { Role } from '../src/platform/db/schema.js';
import { buildApp } from '../src/platform/http/app.js';
import { registerRoutes } from '../src/routes.js';
import { createServices } from '../src/services.js';
import { benchPostgres, CaptureStatements, capturing, measureTogether, row, type Timing } from './support.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 20_000);
const secret = 'bench-secret-bench-secret-bench-secret-0123';
const RSS_GOAL_MB = 512;

// The generated year (DEFAULT_YEAR_END is the day after its last).
const yearEnd = new Date(`${DEFAULT_YEAR_END}T00:00:00Z`);
const TO = new Date(yearEnd.getTime() - 86_400_000).toISOString().slice(0, 10);
const FROM = new Date(Date.UTC(yearEnd.getUTCFullYear() - 1, yearEnd.getUTCMonth(), yearEnd.getUTCDate())).toISOString().slice(0, 10);

/** Statements that are the request's own work, not a figure's: authentication, scope, audit. */
const NOT_A_FIGURE = /app_authenticate_token|app_find_session|set_config|SET LOCAL jit|"commissioning"|"audit_event"|"api_token"/;

interface Caller {
  label: string;
  organisationId: string;
  userId: string;
  role: Role;
  token: string;
}

async function ensureNationalYear(db: Database): Promise<void> {
  const icb = await db.kysely.selectFrom('organisation').select('id').where('type', '=', 'commissioner').where('slug', 'like', '%icb-%').limit(1).executeTakeFirst();
  if (icb) return;
  console.log(`no generated national year in this database: generating ${REFERRALS.toLocaleString('en-GB')} referrals (seed 42)…`);
  const started = performance.now();
  await generateNational(db, { seed: 42, referrals: REFERRALS, services: Math.round(REFERRALS / 10), commissionerPassword: null, append: true });
  console.log(`generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/** The ICB commissioner with the most commissioned services, and a team lead of the first of them. */
async function callers(db: Database, services: ReturnType<typeof createServices>): Promise<{ commissioner: Caller; teamLead: Caller; serviceCount: number }> {
  const icbs = await db.kysely.selectFrom('organisation').select(['id', 'name']).where('type', '=', 'commissioner').where('slug', 'like', '%icb-%').execute();
  let best: { id: string; name: string; services: string[] } | null = null;
  for (const icb of icbs) {
    const commissioned = await db.inScope({ organisationId: icb.id, userId: null }, (tx) =>
      tx.selectFrom('commissioning').select('organisationId').where('commissionerOrganisationId', '=', icb.id).orderBy('organisationId').execute(),
    );
    if (!best || commissioned.length > best.services.length) best = { ...icb, services: commissioned.map((c) => c.organisationId) };
  }
  if (!best?.services.length) throw new Error('No commissioner commissions any service: is this a national year from `linkwork generate`?');
  const member = (organisationId: string, role: Role) =>
    db.inScope({ organisationId, userId: null }, (tx) =>
      tx.selectFrom('membership').select('userId').where('organisationId', '=', organisationId).where('role', '=', role).where('active', '=', true).orderBy('userId').limit(1).executeTakeFirstOrThrow(),
    );
  const make = async (label: string, organisationId: string, role: Role): Promise<Caller> => {
    const { userId } = await member(organisationId, role);
    const ctx: RequestContext = { requestId: null, actor: { userId, label: userId, platformAdmin: false }, organisationId, role };
    const { token } = await services.tokens.create(ctx, 'bench-reports');
    return { label, organisationId, userId, role, token };
  };
  return {
    commissioner: await make(`commissioner of ${best.name}`, best.id, 'commissioner'),
    teamLead: await make('team lead of one of its services', best.services[0]!, 'team-lead'),
    serviceCount: best.services.length,
  };
}

const ratio = (app: Timing, floor: Timing) => ({ p50: app.p50 / floor.p50, p95: app.p95 / floor.p95 });
const mark = (value: number, goal: number) => `${value.toFixed(2)}× ${value <= goal ? '(meets ≤' : '(misses ≤'}${goal}×)`;

async function run(label: string, db: Database): Promise<void> {
  await db.migrate();
  await ensureNationalYear(db);
  // As the embedded server does within minutes of starting (PGlite has no autovacuum).
  await refreshStatistics(db);
  const options = { sessionSecret: secret, sessionIdleMinutes: 30, sessionAbsoluteHours: 12 };
  const services = createServices(db, options);
  const { commissioner, teamLead, serviceCount } = await callers(db, services);
  const scopeOf = (caller: Caller) => ({ organisationId: caller.organisationId, userId: caller.userId });
  const referrals = await db.inScope(scopeOf(commissioner), (tx) =>
    tx.selectFrom('reportReferral').select((eb) => eb.fn.countAll<string>().as('n')).where('receivedAt', '>=', new Date(`${FROM}T00:00:00Z`)).where('receivedAt', '<', yearEnd).executeTakeFirstOrThrow(),
  );
  console.log(`\n[${label}] ${commissioner.label}: ${serviceCount} services, ${Number(referrals.n).toLocaleString('en-GB')} referrals from ${FROM} to ${TO}`);

  const config = { sessionSecret: secret, logLevel: 'silent' as const, trustProxy: false, databaseKind: db.kind, rateLimitPerMinute: 1_000_000 };
  const app = await buildApp({ config, services, routes: registerRoutes, logger: false });
  const capture = new CaptureStatements();
  const captureApp = await buildApp({ config, services: createServices(capturing(db, capture), options), routes: registerRoutes, logger: false });

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

  const results: { name: string; caller: Caller; app: Timing; floor: Timing; figures: number; statements: string[] }[] = [];
  for (const definition of DASHBOARD_DEFINITIONS) {
    const caller = definition.action === 'view-team' ? teamLead : commissioner;
    const url = `/api/v1/reports/${definition.name}?from=${FROM}&to=${TO}`;
    const headers = { authorization: `Bearer ${caller.token}` };
    capture.statements = [];
    const captured = await captureApp.inject({ method: 'GET', url, headers });
    if (captured.statusCode !== 200) throw new Error(`${definition.name}: ${captured.statusCode} ${captured.body}`);
    const figures = (captured.json() as { figures: unknown[] }).figures.length;
    const statements = capture.statements.filter((s) => !NOT_A_FIGURE.test(s.sql)).map((s) => CompiledQuery.raw(s.sql, [...s.parameters]));

    const together = await measureTogether(RUNS, {
      app: async () => {
        const response = await app.inject({ method: 'GET', url, headers });
        if (response.statusCode !== 200) throw new Error(`${definition.name}: unexpected ${response.statusCode}`);
      },
      // Floor: the figures' statements, one after another in one transaction scoped and set up like the request's.
      floor: () =>
        db.inScope(scopeOf(caller), async (tx) => {
          await useReportSettings(tx);
          for (const statement of statements) await tx.executeQuery(statement);
        }),
    });
    results.push({
      name: definition.name,
      caller,
      app: together.app!,
      floor: together.floor!,
      figures,
      statements: statements.map((s) => s.sql.replace(/\s+/g, ' ').slice(0, 90)),
    });
  }
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  console.log(`\n[${label}] ${RUNS} requests per dashboard (in-process inject, after warm-up; API and floor taking turns), period ${FROM} to ${TO}`);
  for (const r of results) {
    console.log(`\n${r.name} (as the ${r.caller.label}): ${r.figures} figures, ${r.statements.length} aggregate statements`);
    console.log(row('  floor: its aggregates, one scoped transaction', r.floor));
    console.log(row(`  Linkwork: GET /api/v1/reports/${r.name}`, r.app));
    const q = ratio(r.app, r.floor);
    console.log(`  ratio to the floor: p50 ${mark(q.p50, 2)}, p95 ${mark(q.p95, 2)}`);
    for (const s of r.statements) console.log(`    - ${s}`);
  }
  const rssMb = Math.round(peakRss / 1024 / 1024);
  console.log(`\n[${label}] peak RSS of the process serving them: ${rssMb} MB (${rssMb < RSS_GOAL_MB ? 'meets' : 'misses'} < ${RSS_GOAL_MB} MB)${db.kind === 'pglite' ? ' — the embedded database is inside this process' : ''}`);

  await app.close();
  await captureApp.close();
  await db.close();
}

const databases = (process.env.BENCH_DATABASES ?? 'pglite,postgresql').split(',');
if (databases.includes('pglite')) {
  await run('PGlite', await openDatabase({ kind: 'pglite', dataDir: process.env.BENCH_DATA_DIR || undefined }));
}
const pg = benchPostgres();
if (databases.includes('postgresql') && pg) {
  await run('PostgreSQL', await openDatabase({ kind: 'postgresql', databaseUrl: pg.databaseUrl, migrationDatabaseUrl: pg.migrationDatabaseUrl, poolSize: 4 }));
} else if (databases.includes('postgresql')) {
  console.log('\n(PostgreSQL skipped: set BENCH_DATABASE_URL, or run through `bash .ci/run npx tsx bench/reports.ts`)');
}
