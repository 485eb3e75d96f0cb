// My caseload at national scale: a link worker with about 250 cases, in a database filled by
// `linkwork generate` (1,000,000 referrals, 4,885 link workers at the defaults), measured as the page
// (GET /cases, session cookie, full Nunjucks render) and the API (GET /api/v1/cases?mine=true, bearer
// token, JSON), each against a floor measured in the same run: every SQL statement that request ran
// (session or token lookup, scope, caseload, settings, counts, audit), captured from Kysely as
// compiled, sent again in order through the database client in one transaction. Also the case page
// (overview) and GET /api/v1/cases/{id} for the worker's busiest case, the same way.
//
//   BENCH_DATABASE_URL=… BENCH_MIGRATION_DATABASE_URL=… npx tsx bench/caseload.ts
//        a database `linkwork generate` filled (the national year: see docs/benchmarks.md)
//   npx tsx bench/caseload.ts               PGlite: generates BENCH_REFERRALS (default 20,000) first
//   BENCH_CASES=250 BENCH_RUNS=100          the caseload size to look for; requests per measurement
import { CompiledQuery, sql } from 'kysely';
import { generateNational } from '../src/features/synthetic/generate.js';
import { openDatabase, type Database } from '../src/platform/db/database.js';
import { buildApp, SESSION_COOKIE, type App } from '../src/platform/http/app.js';
import { registerRoutes } from '../src/routes.js';
import { createServices } from '../src/services.js';
import { benchPostgres, CaptureStatements, capturing, measureTogether, row, type Timing } from './support.js';

const TARGET = Number(process.env.BENCH_CASES ?? 250);
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 20_000);
const secret = 'bench-secret-bench-secret-bench-secret-0123';
const settings = { sessionSecret: secret, sessionIdleMinutes: 600, sessionAbsoluteHours: 12 };
const appConfig = (kind: Database['kind']) => ({ sessionSecret: secret, logLevel: 'silent' as const, trustProxy: false, databaseKind: kind, rateLimitPerMinute: 1_000_000 });

interface Worker {
  /** Link workers with cases, and referrals, across every generated service. */
  workers: number;
  referrals: number;
  organisationId: string;
  userId: string;
  name: string;
  cases: number;
  active: number;
}

/** The link worker whose caseload (all statuses) is the smallest at or above TARGET, else the largest. */
async function findWorker(db: Database): Promise<Worker> {
  const services = await db.kysely.selectFrom('organisation').select('id').where('type', '=', 'sp-service').where('slug', 'like', 's%-pcn-%').execute();
  if (services.length === 0) throw new Error('No generated PCN services in this database: run `linkwork generate` first');
  let best: Worker | null = null;
  let workers = 0;
  let referrals = 0;
  for (const { id } of services) {
    const counts = await db.inScope({ organisationId: id, userId: null }, (tx) =>
      sql<{ userId: string; cases: number; active: number }>`SELECT link_worker_user_id AS user_id, count(*)::int AS cases, count(*) FILTER (WHERE status <> 'closed')::int AS active
        FROM support_case WHERE organisation_id = ${id} AND link_worker_user_id IS NOT NULL GROUP BY 1`.execute(tx),
    );
    workers += counts.rows.length;
    referrals += await db.inScope({ organisationId: id, userId: null }, async (tx) =>
      Number((await tx.selectFrom('referral').select((eb) => eb.fn.countAll<string>().as('n')).where('organisationId', '=', id).executeTakeFirstOrThrow()).n),
    );
    for (const c of counts.rows) {
      const better = !best || (best.cases < TARGET ? c.cases > best.cases : c.cases >= TARGET && c.cases < best.cases);
      if (better) best = { workers: 0, referrals: 0, organisationId: id, userId: c.userId, name: '', cases: c.cases, active: c.active };
    }
  }
  const user = await db.kysely.selectFrom('appUser').select('name').where('id', '=', best!.userId).executeTakeFirstOrThrow();
  return { ...best!, workers, referrals, name: user.name };
}

interface Target {
  label: string;
  url: string;
  headers: () => Record<string, string>;
  cookies: () => Record<string, string>;
  check: (body: string) => void;
}

async function run(label: string, db: Database, migrationUrl: string | null): Promise<void> {
  await db.migrate();
  const has = await db.kysely.selectFrom('organisation').select('id').where('slug', 'like', 's%-pcn-%').limit(1).execute();
  if (has.length === 0) {
    const t = performance.now();
    console.log(`[${label}] generating a synthetic year of ${REFERRALS.toLocaleString('en-GB')} referrals (seed 42)…`);
    await generateNational(db, { seed: 42, referrals: REFERRALS, services: Math.round(REFERRALS / 10), commissionerPassword: null, append: true });
    console.log(`  done in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  if (db.kind === 'postgresql' && migrationUrl) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: migrationUrl });
    await client.connect();
    await client.query('ANALYZE support_case, case_contact, person, referral, app_user, membership, programme_setting, user_session, api_token');
    await client.end();
  }
  const worker = await findWorker(db);
  console.log(`\n[${label}] ${worker.referrals.toLocaleString('en-GB')} referrals, ${worker.workers.toLocaleString('en-GB')} link workers with cases`);
  console.log(`link worker ${worker.userId}: ${worker.cases} cases (${worker.active} open or paused)`);

  const services = createServices(db, settings);
  const app = await buildApp({ config: appConfig(db.kind), services, routes: registerRoutes, logger: false });
  const capture = new CaptureStatements();
  const captureApp = await buildApp({ config: appConfig(db.kind), services: createServices(capturing(db, capture), settings), routes: registerRoutes, logger: false });

  // Signed in as that link worker, as sign-in would do it: a session (the page) and an API token.
  const sessionId = await services.sessions.create(worker.userId, worker.organisationId);
  const ctx = { requestId: null, actor: { userId: worker.userId, label: worker.userId, platformAdmin: false }, organisationId: worker.organisationId, role: 'link-worker' as const };
  const { token } = await services.tokens.create(ctx, `bench-caseload-${Date.now()}`);
  const page = { headers: () => ({}), cookies: () => ({ [SESSION_COOKIE]: sessionId }) };
  const api = { headers: () => ({ authorization: `Bearer ${token}` }), cookies: () => ({}) };
  const rowsOnPage = (body: string) => (body.match(/href="\/cases\/[0-9a-f-]{36}"/g) ?? []).length;

  // The busiest case of theirs (most contacts) for the case page.
  const busiest = await db.inScope({ organisationId: worker.organisationId, userId: worker.userId }, (tx) =>
    sql<{ id: string; contacts: number }>`SELECT c.id, count(k.id)::int AS contacts FROM support_case c LEFT JOIN case_contact k ON k.organisation_id = c.organisation_id AND k.case_id = c.id
      WHERE c.organisation_id = ${worker.organisationId} AND c.link_worker_user_id = ${worker.userId} GROUP BY c.id ORDER BY 2 DESC, 1 LIMIT 1`.execute(tx),
  );
  const caseId = busiest.rows[0]!.id;

  const targets: Target[] = [
    { label: `page: My caseload (${worker.active} open or paused)`, url: '/cases', ...page, check: (b) => expectRows(rowsOnPage(b), worker.active) },
    { label: `page: My caseload, all ${worker.cases} cases`, url: '/cases?status=all', ...page, check: (b) => expectRows(rowsOnPage(b), worker.cases) },
    { label: 'API: GET /api/v1/cases?mine=true', url: '/api/v1/cases?mine=true', ...api, check: (b) => expectRows((JSON.parse(b) as { items: unknown[] }).items.length, worker.active) },
    { label: 'API: GET /api/v1/cases?mine=true&status=all', url: '/api/v1/cases?mine=true&status=all', ...api, check: (b) => expectRows((JSON.parse(b) as { items: unknown[] }).items.length, worker.cases) },
    { label: `page: the case (overview), ${busiest.rows[0]!.contacts} contacts`, url: `/cases/${caseId}`, ...page, check: () => {} },
    { label: 'API: GET /api/v1/cases/{id}', url: `/api/v1/cases/${caseId}`, ...api, check: () => {} },
  ];

  console.log(`\n[${label}] ${RUNS} requests each (in-process inject, after warm-up; request and floor taking turns); floor = the request's own statements, replayed in order in one transaction`);
  for (const target of targets) {
    const request = (on: App) => on.inject({ method: 'GET', url: target.url, headers: target.headers(), cookies: target.cookies() });
    await request(captureApp);
    capture.statements = [];
    const captured = await request(captureApp);
    if (captured.statusCode !== 200) throw new Error(`${target.label}: ${captured.statusCode} ${captured.body.slice(0, 300)}`);
    target.check(captured.body);
    const statements = capture.statements.map((s) => CompiledQuery.raw(s.sql, [...s.parameters]));
    const floor = () => db.kysely.transaction().execute(async (tx) => {
      for (const statement of statements) await tx.executeQuery(statement);
    });
    const together = await measureTogether(RUNS, {
      app: async () => {
        const response = await request(app);
        if (response.statusCode !== 200) throw new Error(`unexpected ${response.statusCode}`);
      },
      floor,
    });
    const [a, f] = [together.app!, together.floor!];
    console.log(`\n${target.label}  →  ${statements.length} statements, ${(captured.body.length / 1024).toFixed(0)} KB`);
    console.log(row('  floor: its statements, sent directly', f));
    console.log(row('  Linkwork', a));
    console.log(`  ratio: p50 ${mark(a.p50 / f.p50)}, p95 ${mark(a.p95 / f.p95)}`);
    if (process.env.BENCH_STATEMENTS) for (const s of statements) console.log(`    - ${s.sql.replace(/\s+/g, ' ').slice(0, 110)}`);
  }
  await app.close();
  await captureApp.close();
}

function expectRows(found: number, expected: number): void {
  if (found !== expected) throw new Error(`expected ${expected} cases, found ${found}`);
}

const mark = (value: number) => `${value.toFixed(2)}× ${value <= 2 ? '(meets ≤2×)' : '(misses ≤2×)'}`;

const postgres = benchPostgres();
if (postgres) {
  const db = await openDatabase({ kind: 'postgresql', ...postgres });
  try {
    await run('PostgreSQL', db, postgres.migrationDatabaseUrl);
  } finally {
    await db.close();
  }
} else {
  const db = await openDatabase({ kind: 'pglite' });
  try {
    await run('PGlite', db, null);
  } finally {
    await db.close();
  }
}
