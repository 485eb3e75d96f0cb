// An authenticated JSON API call (bearer token → one authentication statement → organisation →
// response) against floors measured in the same run, taking turns request by request: a bare Fastify
// route sending the same SQL directly, and one sending the four statements (in a transaction) that
// token authentication took before migrations/0007.
import Fastify from 'fastify';
import { sql } from 'kysely';
import { systemContext } from '../src/platform/context.js';
import { openDatabase, type Database } from '../src/platform/db/database.js';
import { hashSecret } from '../src/platform/auth/secrets.js';
import { buildApp } from '../src/platform/http/app.js';
import { registerRoutes } from '../src/routes.js';
import { createServices } from '../src/services.js';
import { benchPostgres, measureTogether, row } from './support.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const secret = 'bench-secret-bench-secret-bench-secret-0123';

async function run(label: string, db: Database): Promise<void> {
  await db.migrate();
  const services = createServices(db, { sessionSecret: secret, sessionIdleMinutes: 30, sessionAbsoluteHours: 12 });
  const slug = `bench-${Date.now()}`;
  const organisation = await services.organisations.add({ userId: null, label: 'bench', platformAdmin: true }, null, { slug, name: 'Bench PCN', type: 'sp-service' });
  const user = await services.users.add(systemContext(organisation.id), { email: `${slug}@example.org`, name: 'Bench User', role: 'link-worker', password: 'bench-password-long-enough' }, { allowExistingAccount: false });
  const token = await services.tokens.create({ ...systemContext(organisation.id), actor: { userId: user.userId, label: user.userId, platformAdmin: false }, role: 'link-worker' }, 'bench');

  const app = await buildApp({ config: { sessionSecret: secret, logLevel: 'silent', trustProxy: false, databaseKind: db.kind, rateLimitPerMinute: 1_000_000 }, services, routes: registerRoutes, logger: false });
  const floor = Fastify();
  const tokenHash = hashSecret(token.token);
  floor.get('/floor', async () => {
    const found = (await sql<{ organisation_id: string; user_id: string }>`
      SELECT organisation_id, user_id, role, platform_admin FROM app_authenticate_token(${tokenHash})`.execute(db.kysely)).rows[0]!;
    const org = await sql<{ slug: string; name: string }>`SELECT slug, name FROM organisation WHERE id = ${found.organisation_id}`.execute(db.kysely);
    return { userId: found.user_id, organisation: org.rows[0] };
  });
  floor.get('/floor-before', async () => {
    const found = await db.kysely.transaction().execute(async (tx) => {
      await sql`SELECT set_config('app.token_hash', ${tokenHash}, true)`.execute(tx);
      const t = await sql<{ organisation_id: string; user_id: string }>`
        SELECT t.organisation_id, t.user_id FROM api_token t JOIN app_user u ON u.id = t.user_id
        WHERE t.token_hash = ${tokenHash} AND t.revoked_at IS NULL AND u.active`.execute(tx);
      const first = t.rows[0]!;
      await sql`SELECT set_config('app.organisation_id', ${first.organisation_id}, true), set_config('app.user_id', ${first.user_id}, true)`.execute(tx);
      await sql`SELECT role FROM membership WHERE organisation_id = ${first.organisation_id} AND user_id = ${first.user_id} AND active`.execute(tx);
      return first;
    });
    const org = await sql<{ slug: string; name: string }>`SELECT slug, name FROM organisation WHERE id = ${found.organisation_id}`.execute(db.kysely);
    return { userId: found.user_id, organisation: org.rows[0] };
  });
  await floor.ready();

  const timings = await measureTogether(REQUESTS, {
    floor: () => floor.inject({ method: 'GET', url: '/floor' }),
    before: () => floor.inject({ method: 'GET', url: '/floor-before' }),
    app: async () => {
      const response = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token.token}` } });
      if (response.statusCode !== 200) throw new Error(`unexpected ${response.statusCode}`);
    },
  });
  console.log(`\n[${label}] GET /api/v1/me with a bearer token, ${REQUESTS} sequential requests each (in-process inject, taking turns)`);
  console.log(row('floor: bare Fastify route, same SQL', timings.floor));
  console.log(row('floor: authentication SQL before 0007', timings.before));
  console.log(row('Linkwork: token auth, RLS context, schemas', timings.app));
  console.log(`ratio (Linkwork / floor throughput): ${(timings.app.perSecond / timings.floor.perSecond).toFixed(2)}×`);
  console.log(`ratio (Linkwork / authentication SQL before 0007): ${(timings.app.perSecond / timings.before.perSecond).toFixed(2)}×`);
  await app.close();
  await floor.close();
  await db.close();
}

// BENCH_DATABASES=postgresql (or pglite) measures one of the two only.
const only = process.env.BENCH_DATABASES?.split(',');
if (!only || only.includes('pglite')) await run('pglite', await openDatabase({ kind: 'pglite' }));
const postgres = benchPostgres();
if (postgres && (!only || only.includes('postgresql'))) await run('postgresql', await openDatabase({ kind: 'postgresql', ...postgres }));
else if (!postgres) console.log('\n(PostgreSQL not measured: set BENCH_DATABASE_URL, or run `bash .ci/run npm run bench`)');
