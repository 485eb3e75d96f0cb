import { describe, expect, it } from 'vitest';
import { testServices } from '../../../test/support/factories.js';
import { testApp } from '../../../test/support/http.js';
import { buildReferralWorld, referralFor } from '../../../test/support/referrals.js';
import type { TestUser } from '../../../test/support/factories.js';

async function tokenFor(user: TestUser): Promise<string> {
  return (await (await testServices()).tokens.create(user.ctx, 'api test')).token;
}

async function call(token: string, method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const app = await testApp();
  const response = await app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: response.statusCode, headers: response.headers, body: response.json() as Record<string, unknown> & { errors?: { field: string }[] } };
}

describe('POST /api/v1/referrals', () => {
  it('creates a referral: 201 with Location and the neutral receipt', async () => {
    const world = await buildReferralWorld();
    const token = await tokenFor(world.referrer);
    const created = await call(token, 'POST', '/api/v1/referrals', referralFor(world.service));
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/api/v1/referrals/${created.body.id}`);
    expect(created.body).toMatchObject({ status: 'received', personName: 'Sam Taylor' });
    const fetched = await call(token, 'GET', created.headers.location as string);
    expect(fetched.status).toBe(200);
    expect(Object.keys(fetched.body).sort()).toEqual(['closedReason', 'id', 'personName', 'receivingOrganisation', 'reference', 'sentAt', 'status', 'statusDate', 'urgency']);
  });

  it('is safe to retry with an Idempotency-Key, and refuses the key with another body', async () => {
    const world = await buildReferralWorld();
    const token = await tokenFor(world.referrer);
    const body = referralFor(world.service);
    const first = await call(token, 'POST', '/api/v1/referrals', body, { 'idempotency-key': 'retry-1' });
    const second = await call(token, 'POST', '/api/v1/referrals', body, { 'idempotency-key': 'retry-1' });
    expect(second.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const other = await call(token, 'POST', '/api/v1/referrals', { ...body, reason: 'Different' }, { 'idempotency-key': 'retry-1' });
    expect(other.status).toBe(409);
    const list = await call(token, 'GET', '/api/v1/referrals');
    expect((list.body.items as unknown[]).length).toBe(1);
  });

  it('answers 400 problem+json naming each bad field, and stores nothing', async () => {
    const world = await buildReferralWorld();
    const token = await tokenFor(world.referrer);
    const bad = referralFor(world.service, { toOrganisation: 'nowhere', needs: ['flying'], consent: { given: false } });
    bad.person = { ...bad.person, nhsNumber: '9990000019', dateOfBirth: '2999-12-31' };
    const response = await call(token, 'POST', '/api/v1/referrals', bad);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body.errors!.map((e) => e.field)).toEqual(expect.arrayContaining(['toOrganisation', 'needs', 'consent.given', 'person.nhsNumber', 'person.dateOfBirth']));
    const missing = await call(token, 'POST', '/api/v1/referrals', { toOrganisation: world.service.slug });
    expect(missing.status).toBe(400);
    expect(missing.body.errors!.map((e) => e.field)).toEqual(expect.arrayContaining(['person', 'reason', 'consent']));
    expect(((await call(token, 'GET', '/api/v1/referrals')).body.items as unknown[]).length).toBe(0);
  });

  it('needs a token, and refuses roles that do not refer', async () => {
    const world = await buildReferralWorld();
    const app = await testApp();
    const anonymous = await app.inject({ method: 'POST', url: '/api/v1/referrals', payload: referralFor(world.service) });
    expect(anonymous.statusCode).toBe(401);
    const { buildOrganisation, buildUser } = await import('../../../test/support/factories.js');
    const commissioner = await buildUser(await buildOrganisation({ type: 'commissioner' }), 'commissioner');
    expect((await call(await tokenFor(commissioner), 'POST', '/api/v1/referrals', referralFor(world.service))).status).toBe(403);
  });
});

describe('referral actions over the API', () => {
  it('accepts (returning caseId), allocates by email, and refuses out-of-order actions with 409', async () => {
    const world = await buildReferralWorld();
    const referrer = await tokenFor(world.referrer);
    const lead = await tokenFor(world.teamLead);
    const { body } = await call(referrer, 'POST', '/api/v1/referrals', referralFor(world.service));
    const early = await call(lead, 'POST', `/api/v1/referrals/${body.id}/allocate`, { linkWorker: world.linkWorker.email });
    expect(early.status).toBe(409);
    expect(early.body.detail).toContain('received');
    const accepted = await call(lead, 'POST', `/api/v1/referrals/${body.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.caseId).toMatch(/^[0-9a-f-]{36}$/);
    const allocated = await call(lead, 'POST', `/api/v1/referrals/${body.id}/allocate`, { linkWorker: world.linkWorker.email });
    expect(allocated.body).toMatchObject({ status: 'allocated', linkWorker: { id: world.linkWorker.userId } });
    const full = await call(lead, 'GET', `/api/v1/referrals/${body.id}`);
    expect(full.body).toMatchObject({ reason: 'Lonely since bereavement; behind on rent', needs: ['social-isolation', 'money-and-debt'] });
    const neutral = await call(referrer, 'GET', `/api/v1/referrals/${body.id}`);
    expect(neutral.body).toMatchObject({ status: 'in-progress' });
    expect(neutral.body).not.toHaveProperty('reason');
  });

  it('declines with a neutral reason the referrer sees', async () => {
    const world = await buildReferralWorld();
    const referrer = await tokenFor(world.referrer);
    const lead = await tokenFor(world.teamLead);
    const { body } = await call(referrer, 'POST', '/api/v1/referrals', referralFor(world.service));
    expect((await call(lead, 'POST', `/api/v1/referrals/${body.id}/decline`, {})).status).toBe(400);
    expect((await call(lead, 'POST', `/api/v1/referrals/${body.id}/decline`, { reason: 'person-declined' })).status).toBe(200);
    const neutral = await call(referrer, 'GET', `/api/v1/referrals/${body.id}`);
    expect(neutral.body.status).toBe('closed');
    expect(neutral.body.closedReason).toMatch(/chose not to take this up.*does not affect/);
  });

  it('keeps another practice out: 404, and an empty list', async () => {
    const world = await buildReferralWorld();
    const other = await buildReferralWorld();
    const { body } = await call(await tokenFor(world.referrer), 'POST', '/api/v1/referrals', referralFor(world.service));
    const outsider = await tokenFor(other.referrer);
    expect((await call(outsider, 'GET', `/api/v1/referrals/${body.id}`)).status).toBe(404);
    expect((await call(await tokenFor(other.teamLead), 'GET', `/api/v1/referrals/${body.id}`)).status).toBe(404);
    expect((await call(await tokenFor(other.teamLead), 'POST', `/api/v1/referrals/${body.id}/accept`)).status).toBe(404);
    expect((await call(outsider, 'GET', '/api/v1/referrals')).body.items).toEqual([]);
  });

  it('stores script in names as text, and returns it as JSON text', async () => {
    const world = await buildReferralWorld();
    const body = referralFor(world.service);
    body.person = { ...body.person, givenName: '<script>alert(1)</script>' };
    const created = await call(await tokenFor(world.referrer), 'POST', '/api/v1/referrals', body);
    expect(created.body.personName).toBe('<script>alert(1)</script> Taylor');
  });

  it('lists needs for referral forms and integrations', async () => {
    const world = await buildReferralWorld();
    const needs = await call(await tokenFor(world.referrer), 'GET', '/api/v1/needs');
    expect((needs.body.items as { code: string }[]).map((n) => n.code)).toEqual(expect.arrayContaining(['social-isolation', 'money-and-debt', 'housing']));
  });

  it('describes every referral route in the OpenAPI document', async () => {
    const app = await testApp();
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> };
    for (const path of ['/api/v1/referrals', '/api/v1/referrals/{id}', '/api/v1/referrals/{id}/accept', '/api/v1/referrals/{id}/allocate', '/api/v1/referrals/{id}/decline', '/api/v1/needs']) {
      expect(doc.paths).toHaveProperty([path]);
    }
  });
});
