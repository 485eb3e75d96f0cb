// An authenticated JSON API call (bearer token → hash lookup under RLS → membership → response)
// against a floor measured in the same run: a bare Fastify route running the same lookup SQL directly.
import Fastify from 'fastify';
import { sql } from 'kysely';
import { systemContext } from '../src/platform/context.js';
import { openDatabase, type Database } from '../src/platform/db/database.js';
import { hashSecret } from '../src/platform/auth/secrets.js';
import { buildApp } from '../src/platform/http/app.js';
import { registerRoutes } from '../src/routes.js';
import { createServices } from '../src/services.js';
import { benchPostgres, measure, row } from './support.js';

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

  const floorTiming = await measure(REQUESTS, () => floor.inject({ method: 'GET', url: '/floor' }));
  const appTiming = await measure(REQUESTS, async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token.token}` } });
    if (response.statusCode !== 200) throw new Error(`unexpected ${response.statusCode}`);
  });
  console.log(`\n[${label}] GET /api/v1/me with a bearer token, ${REQUESTS} sequential requests (in-process inject)`);
  console.log(row('floor: bare Fastify route, same SQL', floorTiming));
  console.log(row('Linkwork: token auth, RLS context, schemas', appTiming));
  console.log(`ratio (Linkwork / floor throughput): ${(appTiming.perSecond / floorTiming.perSecond).toFixed(2)}×`);
  await app.close();
  await floor.close();
  await db.close();
}

await run('pglite', await openDatabase({ kind: 'pglite' }));
const postgres = benchPostgres();
if (postgres) await run('postgresql', await openDatabase({ kind: 'postgresql', ...postgres }));
else console.log('\n(PostgreSQL not measured: set BENCH_DATABASE_URL, or run `bash .ci/run npm run bench`)');
