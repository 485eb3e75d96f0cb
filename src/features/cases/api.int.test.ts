import { beforeAll, describe, expect, it } from 'vitest';
import { buildUser, testServices, type TestUser } from '../../../test/support/factories.js';
import { testApp } from '../../../test/support/http.js';
import { buildReferralWorld, referralFor } from '../../../test/support/referrals.js';
import { addDays, londonDay } from './rules.js';

beforeAll(async () => {
  await testApp();
});

async function tokenFor(user: TestUser): Promise<string> {
  return (await (await testServices()).tokens.create(user.ctx, 'api test')).token;
}

type Body = Record<string, unknown> & { errors?: { field: string }[] };

async function call(token: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const app = await testApp();
  const response = await app.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${token}` } });
  return { status: response.statusCode, headers: response.headers, body: response.json() as Body };
}

describe('the cases API', () => {
  it('takes a case from allocation to closure: caseload, contacts, what matters, pause, close, reopen', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service, { multipleDisadvantage: [] }));
    const lead = await tokenFor(world.teamLead);
    const worker = await tokenFor(world.linkWorker);
    const accepted = await call(lead, 'POST', `/api/v1/referrals/${receipt.id}/accept`);
    const caseId = accepted.body.caseId as string;
    const team = await call(lead, 'GET', '/api/v1/team');
    expect((team.body.waiting as { id: string }[]).map((w) => w.id)).toEqual([caseId]);
    const allocated = await call(lead, 'POST', `/api/v1/cases/${caseId}/allocate`, { linkWorker: world.linkWorker.email });
    expect(allocated.status).toBe(200);
    expect(allocated.body.linkWorker).toMatchObject({ id: world.linkWorker.userId });

    const mine = await call(worker, 'GET', '/api/v1/cases?mine=true');
    expect(mine.status).toBe(200);
    expect((mine.body.items as { id: string; firstContact: { state: string } }[]).map((c) => [c.id, c.firstContact.state])).toEqual([[caseId, 'due']]);
    expect(mine.body.counts).toEqual({ open: 1, paused: 0, closed: 0 });

    const bad = await call(worker, 'POST', `/api/v1/cases/${caseId}/contacts`, { type: 'phone', contactDate: '2999-01-01' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors!.map((e) => e.field)).toEqual(['contactDate']);
    const contact = await call(worker, 'POST', `/api/v1/cases/${caseId}/contacts`, { type: 'phone', durationMinutes: 25, note: 'Wants money advice first', nextStep: 'Book the drop-in', nextStepDate: addDays(londonDay(new Date()), 3) });
    expect(contact.status).toBe(201);
    expect(contact.headers.location).toBe(`/api/v1/cases/${caseId}`);

    const plan = await call(worker, 'PUT', `/api/v1/cases/${caseId}/what-matters`, { needs: ['money-and-debt'], strengths: ['Good with numbers'], goals: ['Sort out the debt, nothing touchy-feely'] });
    expect(plan.status).toBe(200);
    expect(plan.body.goals).toEqual(['Sort out the debt, nothing touchy-feely']);

    const paused = await call(worker, 'POST', `/api/v1/cases/${caseId}/pause`, { reason: 'Away for a fortnight', reviewDate: addDays(londonDay(new Date()), 14) });
    expect(paused.body.status).toBe('paused');
    expect((await call(worker, 'POST', `/api/v1/cases/${caseId}/pause`, { reason: 'Again', reviewDate: addDays(londonDay(new Date()), 14) })).status).toBe(409);
    await call(worker, 'POST', `/api/v1/cases/${caseId}/resume`);
    const closed = await call(worker, 'POST', `/api/v1/cases/${caseId}/close`, { reason: 'goals-met' });
    expect(closed.body).toMatchObject({ status: 'closed', closedReason: 'goals-met' });
    expect((await call(worker, 'POST', `/api/v1/cases/${caseId}/contacts`, { type: 'phone' })).status).toBe(409);
    const reopened = await call(worker, 'POST', `/api/v1/cases/${caseId}/reopen`, {});
    expect(reopened.body.status).toBe('open');
    expect((reopened.body.contacts as unknown[]).length).toBe(1);

    const referrer = await tokenFor(world.referrer);
    expect((await call(referrer, 'GET', `/api/v1/cases/${caseId}`)).status).toBe(403);
    const sent = await call(referrer, 'GET', `/api/v1/referrals/${receipt.id}`);
    expect(sent.body.status).toBe('in-progress');
    expect(JSON.stringify(sent.body)).not.toMatch(/money|debt|goal/i);
  });

  it('hides a sensitive note from another link worker and refuses them changes', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const accepted = await s.referrals.act(world.teamLead.ctx, receipt.id, 'accept');
    await s.referrals.act(world.teamLead.ctx, receipt.id, 'allocate', { linkWorker: world.linkWorker.userId });
    const worker = await tokenFor(world.linkWorker);
    await call(worker, 'POST', `/api/v1/cases/${accepted.caseId}/contacts`, { type: 'face-to-face', note: 'Disclosed abuse', sensitive: true });
    const colleague = await tokenFor(await buildUser(world.service, 'link-worker'));
    const seen = await call(colleague, 'GET', `/api/v1/cases/${accepted.caseId}`);
    expect(seen.status).toBe(200);
    expect(seen.body.contacts).toMatchObject([{ sensitive: true, note: null, noteHidden: true }]);
    expect(JSON.stringify(seen.body)).not.toContain('Disclosed');
    expect((await call(colleague, 'POST', `/api/v1/cases/${accepted.caseId}/close`, { reason: 'goals-met' })).status).toBe(403);
  });

  it('refuses allocation past capacity with 400 on overrideReason, and lists it in the OpenAPI document', async () => {
    const s = await testServices();
    const world = await buildReferralWorld();
    await s.cases.setCapacity(world.teamLead.ctx, world.linkWorker.userId, '1');
    const { receipt } = await s.referrals.refer(world.referrer.ctx, referralFor(world.service));
    await s.referrals.act(world.teamLead.ctx, receipt.id, 'accept');
    const lead = await tokenFor(world.teamLead);
    const refused = await call(lead, 'POST', `/api/v1/referrals/${receipt.id}/allocate`, { linkWorker: world.linkWorker.userId });
    expect(refused.status).toBe(400);
    expect(refused.body.errors!.map((e) => e.field)).toEqual(['overrideReason']);
    const forced = await call(lead, 'POST', `/api/v1/referrals/${receipt.id}/allocate`, { linkWorker: world.linkWorker.userId, overrideReason: 'Only worker who speaks Polish' });
    expect(forced.status).toBe(200);
    const app = await testApp();
    const openapi = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> };
    for (const path of ['/api/v1/cases', '/api/v1/cases/{id}', '/api/v1/cases/{id}/contacts', '/api/v1/cases/{id}/close', '/api/v1/team', '/api/v1/programmes/{id}/settings']) {
      expect(Object.keys(openapi.paths)).toContain(path);
    }
  });
});
