// POST /api/v1/referrals (schema + validation + token auth + RLS context + person + referral +
// history + receipt + outbox + audit, in one transaction) against floors measured in the same run,
// taking turns request by request: a bare Fastify route that parses the same JSON and does one INSERT
// of the referral row, and one making the same eight writes as separate statements.
import { randomBytes, randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { referenceFrom } from '../src/features/referrals/rules.js';
import { systemContext } from '../src/platform/context.js';
import { openDatabase, type Database } from '../src/platform/db/database.js';
import { buildApp } from '../src/platform/http/app.js';
import { registerRoutes } from '../src/routes.js';
import { createServices } from '../src/services.js';
import { benchPostgres, measureTogether, row } from './support.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const secret = 'bench-secret-bench-secret-bench-secret-0123';

async function run(label: string, db: Database): Promise<void> {
  await db.migrate();
  const services = createServices(db, { sessionSecret: secret, sessionIdleMinutes: 30, sessionAbsoluteHours: 12 });
  const tag = `${Date.now()}`;
  const actor = { userId: null, label: 'bench', platformAdmin: true };
  const service = await services.organisations.add(actor, null, { slug: `bench-pcn-${tag}`, name: 'Bench PCN', type: 'sp-service' });
  const practice = await services.organisations.add(actor, null, { slug: `bench-practice-${tag}`, name: 'Bench Practice', type: 'gp-practice' });
  const user = await services.users.add(systemContext(practice.id), { email: `gp-${tag}@example.org`, name: 'Bench GP', role: 'referrer', password: 'bench-password-long-enough' }, { allowExistingAccount: false });
  const ctx = { ...systemContext(practice.id), actor: { userId: user.userId, label: user.userId, platformAdmin: false }, role: 'referrer' as const };
  const { token } = await services.tokens.create(ctx, 'bench');

  const body = (i: number) => ({
    toOrganisation: service.slug,
    person: { givenName: 'Sam', familyName: `Taylor${i}`, dateOfBirth: '1980-02-29', postcode: 'BS5 6XX', phone: '07700900123', preferredContact: 'phone' },
    reason: 'Lonely since bereavement; behind on rent',
    needs: ['social-isolation', 'money-and-debt'],
    multipleDisadvantage: ['homelessness'],
    consent: { given: true },
    urgency: 'routine',
  });

  // One person and programme for the floor's rows to point at.
  const { receipt } = await services.referrals.refer(ctx, body(-1));
  const template = await db.inScope({ organisationId: service.id, userId: null }, (tx) =>
    tx.selectFrom('referral').select(['programmeId', 'personId']).where('id', '=', receipt.id).executeTakeFirstOrThrow(),
  );

  const floor = Fastify();
  floor.post('/floor', async (request) => {
    const b = request.body as ReturnType<typeof body>;
    const id = randomUUID();
    await db.inScope({ organisationId: service.id, userId: user.userId }, (tx) =>
      sql`INSERT INTO referral (organisation_id, id, reference, programme_id, person_id, source_type, source_organisation_id, source_user_id,
            reason, urgency, needs, multiple_disadvantage, consent_given, consent_by, consent_method, consent_at, status)
          VALUES (${service.id}, ${id}, ${referenceFrom(randomBytes(8))}, ${template.programmeId}, ${template.personId}, 'professional', ${practice.id}, ${user.userId},
            ${b.reason}, ${b.urgency}, ${b.needs}, ${b.multipleDisadvantage}, true, 'person', 'verbal', now(), 'received')`.execute(tx),
    );
    return { id };
  });
  // A second floor: the same eight writes the endpoint makes, as raw SQL in one transaction, with the
  // same two tenant contexts, but no HTTP auth, validation or lookups. It shows what the work itself costs.
  floor.post('/floor-writes', async (request) => {
    const b = request.body as ReturnType<typeof body>;
    const id = randomUUID();
    const personId = randomUUID();
    const reference = referenceFrom(randomBytes(8));
    await db.kysely.transaction().execute(async (tx) => {
      await sql`SELECT set_config('app.organisation_id', ${practice.id}, true), set_config('app.user_id', ${user.userId}, true)`.execute(tx);
      await sql`INSERT INTO referral_receipt (organisation_id, referral_id, receiving_organisation_id, reference, person_label, referrer_user_id, status, urgency)
                VALUES (${practice.id}, ${id}, ${service.id}, ${reference}, 'Sam Taylor', ${user.userId}, 'received', 'routine')`.execute(tx);
      await sql`INSERT INTO audit_event (organisation_id, actor_user_id, actor_label, action, subject_type, subject_id) VALUES (${practice.id}, ${user.userId}, 'x', 'referral.sent', 'referral', ${id})`.execute(tx);
      await sql`SELECT set_config('app.organisation_id', ${service.id}, true)`.execute(tx);
      await sql`INSERT INTO person (organisation_id, id, given_name, family_name, date_of_birth, postcode, phone, preferred_contact)
                VALUES (${service.id}, ${personId}, ${b.person.givenName}, ${b.person.familyName}, ${b.person.dateOfBirth}, ${b.person.postcode}, ${b.person.phone}, 'phone')`.execute(tx);
      await sql`INSERT INTO referral (organisation_id, id, reference, programme_id, person_id, source_type, source_organisation_id, source_user_id,
            reason, urgency, needs, multiple_disadvantage, consent_given, consent_by, consent_method, consent_at, status)
          VALUES (${service.id}, ${id}, ${reference}, ${template.programmeId}, ${personId}, 'professional', ${practice.id}, ${user.userId},
            ${b.reason}, ${b.urgency}, ${b.needs}, ${b.multipleDisadvantage}, true, 'person', 'verbal', now(), 'received')`.execute(tx);
      await sql`INSERT INTO referral_event (organisation_id, referral_id, action, to_status, actor_label) VALUES (${service.id}, ${id}, 'receive', 'received', 'x')`.execute(tx);
      await sql`INSERT INTO audit_event (organisation_id, actor_user_id, actor_label, action, subject_type, subject_id) VALUES (${service.id}, ${user.userId}, 'x', 'referral.received', 'referral', ${id})`.execute(tx);
      await sql`INSERT INTO outbox_message (organisation_id, channel, recipient_kind, recipient, template, subject, body)
                VALUES (${service.id}, 'email', 'referrer', 'gp@example.org', 'referral-received', 's', 'b')`.execute(tx);
    });
    return { id };
  });
  await floor.ready();
  const app = await buildApp({ config: { sessionSecret: secret, logLevel: 'silent', trustProxy: false, databaseKind: db.kind, rateLimitPerMinute: 1_000_000 }, services, routes: registerRoutes, logger: false });

  let i = 0;
  const timings = await measureTogether(REQUESTS, {
    floor: () => floor.inject({ method: 'POST', url: '/floor', payload: body(i++) }),
    writes: () => floor.inject({ method: 'POST', url: '/floor-writes', payload: body(i++) }),
    app: async () => {
      const response = await app.inject({ method: 'POST', url: '/api/v1/referrals', payload: body(i++), headers: { authorization: `Bearer ${token}` } });
      if (response.statusCode !== 201) throw new Error(`unexpected ${response.statusCode}: ${response.body}`);
    },
  });
  const { floor: floorTiming, writes: writesTiming, app: appTiming } = timings;
  console.log(`\n[${label}] POST /api/v1/referrals, ${REQUESTS} sequential requests each (in-process inject, taking turns)`);
  console.log(row('floor: bare Fastify route, one INSERT', floorTiming));
  console.log(row('floor: the same 8 writes as raw SQL', writesTiming));
  console.log(row('Linkwork: full intake (8 writes, RLS, audit)', appTiming));
  console.log(`ratio to the one-INSERT floor: ${(appTiming.perSecond / floorTiming.perSecond).toFixed(2)}×  (issue's goal ≥ 0.6×)`);
  console.log(`ratio to the same-writes floor: ${(appTiming.perSecond / writesTiming.perSecond).toFixed(2)}×`);
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
