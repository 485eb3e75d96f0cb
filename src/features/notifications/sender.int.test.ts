import { describe, expect, it } from 'vitest';
import type { Organisation } from '../../platform/db/schema.js';
import { buildOrganisation, testServices } from '../../../test/support/factories.js';
import { buildReferralWorld, referralFor } from '../../../test/support/referrals.js';
import { queueForPerson, queueForReferrer } from './outbox.js';
import { MAX_ATTEMPTS, safeErrorMessage, sendPendingMessages, SendFailure, startOutboxSender, type OutgoingMessage, type SenderLog } from './sender.js';

/**
 * `send` is the only fake here: it stands in for GOV.UK Notify (an external HTTP service). The
 * database, row-level security and the outbox rows are real.
 */
function recordingSend(fail?: (message: OutgoingMessage) => Error | null) {
  const calls: OutgoingMessage[] = [];
  const send = async (message: OutgoingMessage) => {
    calls.push(message);
    const error = fail?.(message);
    if (error) throw error;
  };
  return { calls, send };
}

function recordingLog() {
  const lines: string[] = [];
  const write = (details: object, message: string) => void lines.push(`${message} ${JSON.stringify(details)}`);
  const log: SenderLog = { info: write, warn: write, error: write };
  return { lines, log };
}

const person = (email: string, phone: string) => ({ givenName: 'Aisha', preferredName: null, preferredContact: 'email' as const, phone, email, safeToLeaveMessage: true });

/** Queues messages with the same functions the referral service uses, in the organisation's context. */
async function queue(organisation: Organisation, what: { referrerEmail?: string; personEmail?: string; personPhone?: string }) {
  const { db } = await testServices();
  await db.inScope({ organisationId: organisation.id, userId: null }, async (tx) => {
    if (what.referrerEmail) await queueForReferrer(tx, organisation.id, what.referrerEmail, 'referral-received', { reference: 'LW-TEST-0001', service: organisation.name });
    if (what.personEmail) await queueForPerson(tx, organisation.id, person(what.personEmail, '07700900000'), 'person-referral-received');
    if (what.personPhone) {
      await queueForPerson(tx, organisation.id, { ...person('x@example.org', what.personPhone), preferredContact: 'text' }, 'person-referral-accepted');
    }
  });
}

async function rowsOf(organisation: Organisation) {
  const { db } = await testServices();
  return db.inScope({ organisationId: organisation.id, userId: null }, (tx) =>
    tx.selectFrom('outboxMessage').selectAll().where('organisationId', '=', organisation.id).orderBy('createdAt').orderBy('id').execute(),
  );
}

describe.each([
  { mode: 'claim, send, record', holdLockWhileSending: false },
  { mode: 'row locked while sending', holdLockWhileSending: true },
])('outbox sender ($mode)', ({ holdLockWhileSending }) => {
  it('sends each pending message once and marks it sent', async () => {
    const organisation = await buildOrganisation();
    await queue(organisation, { referrerEmail: 'gp.referrer@example.nhs.uk', personEmail: 'aisha@example.org', personPhone: '07700 900123' });
    const { db } = await testServices();
    const { calls, send } = recordingSend();

    const summary = await sendPendingMessages(db, { send, organisationIds: [organisation.id], holdLockWhileSending });
    expect(summary).toMatchObject({ organisations: 1, sent: 3, failed: 0, gaveUp: 0 });
    expect(calls.map((c) => [c.channel, c.recipient, c.template]).sort()).toEqual([
      ['email', 'aisha@example.org', 'person-referral-received'],
      ['email', 'gp.referrer@example.nhs.uk', 'referral-received'],
      ['text', '07700 900123', 'person-referral-accepted'],
    ]);
    const email = calls.find((c) => c.template === 'referral-received')!;
    expect(email.subject).toBe('Referral LW-TEST-0001 received');
    expect(email.body).toContain('LW-TEST-0001');
    expect(email.organisationId).toBe(organisation.id);

    const rows = await rowsOf(organisation);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    for (const row of rows) {
      expect(row.attempts).toBe(1);
      expect(row.sentAt).toBeInstanceOf(Date);
      expect(row.lastError).toBeNull();
    }

    // A second run finds nothing to do.
    const again = await sendPendingMessages(db, { send, organisationIds: [organisation.id], holdLockWhileSending });
    expect(again.sent).toBe(0);
    expect(calls).toHaveLength(3);
  });

  it('marks a message failed when sending throws, retries it, and gives up after 5 attempts', async () => {
    const organisation = await buildOrganisation();
    await queue(organisation, { personEmail: 'dan.keyworker@example.org' });
    const { db } = await testServices();
    // The thrown error quotes the address and the text, as a careless client might.
    const { calls, send } = recordingSend((m) => new Error(`could not deliver "${m.body}" to ${m.recipient}`));
    const { lines, log } = recordingLog();

    for (let run = 1; run <= MAX_ATTEMPTS; run++) {
      const summary = await sendPendingMessages(db, { send, organisationIds: [organisation.id], holdLockWhileSending, log });
      const [row] = await rowsOf(organisation);
      expect(row!.status).toBe('failed');
      expect(row!.attempts).toBe(run);
      expect(summary.results).toEqual([{ id: row!.id, organisationId: organisation.id, outcome: run < MAX_ATTEMPTS ? 'failed' : 'gave-up', attempts: run }]);
    }
    expect(calls).toHaveLength(MAX_ATTEMPTS);

    // No sixth attempt.
    const after = await sendPendingMessages(db, { send, organisationIds: [organisation.id], holdLockWhileSending, log });
    expect(after.results).toEqual([]);
    expect(calls).toHaveLength(MAX_ATTEMPTS);

    const [row] = await rowsOf(organisation);
    expect(row!.sentAt).toBeNull();
    expect(row!.lastError).toBe('Sending failed with an unexpected error (Error)');
    // Neither the stored error nor any log line carries the address or the message text.
    for (const text of [row!.lastError!, ...lines]) {
      expect(text).not.toContain('dan.keyworker');
      expect(text).not.toContain('Aisha');
      expect(text).not.toContain('thank you');
    }
    expect(lines.some((l) => l.includes(row!.id))).toBe(true);
  });

  it('keeps a SendFailure’s own words, and sends a failed message that later succeeds', async () => {
    const organisation = await buildOrganisation();
    await queue(organisation, { personPhone: '07700900456' });
    const { db } = await testServices();
    let down = true;
    const { calls, send } = recordingSend(() => (down ? new SendFailure('GOV.UK Notify answered HTTP 500') : null));

    await sendPendingMessages(db, { send, organisationIds: [organisation.id], holdLockWhileSending });
    let [row] = await rowsOf(organisation);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastError: 'GOV.UK Notify answered HTTP 500' });

    down = false;
    await sendPendingMessages(db, { send, organisationIds: [organisation.id], holdLockWhileSending });
    [row] = await rowsOf(organisation);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    expect(calls).toHaveLength(2);
  });

  it('never touches another organisation’s messages', async () => {
    const mine = await buildOrganisation();
    const theirs = await buildOrganisation();
    await queue(mine, { referrerEmail: 'mine@example.nhs.uk' });
    await queue(theirs, { referrerEmail: 'theirs@example.nhs.uk', personPhone: '07700900789' });
    const { db } = await testServices();
    const { calls, send } = recordingSend();

    await sendPendingMessages(db, { send, organisationIds: [mine.id], holdLockWhileSending });
    expect(calls.map((c) => c.recipient)).toEqual(['mine@example.nhs.uk']);
    expect(calls.every((c) => c.organisationId === mine.id)).toBe(true);
    expect((await rowsOf(theirs)).map((r) => [r.status, r.attempts])).toEqual([
      ['pending', 0],
      ['pending', 0],
    ]);
  });
});

describe('outbox sender', () => {
  it('sends the messages a real referral queued', async () => {
    const world = await buildReferralWorld();
    const services = await testServices();
    await services.referrals.refer(world.referrer.ctx, referralFor(world.service));
    const { calls, send } = recordingSend();
    await sendPendingMessages(services.db, { send, organisationIds: [world.service.id] });
    expect(calls.map((c) => [c.recipient, c.template])).toEqual([[world.referrer.email, 'referral-received']]);
    expect((await rowsOf(world.service)).map((r) => r.status)).toEqual(['sent']);
  });

  it('reads every organisation when not told which, each in its own row-level security context', async () => {
    const organisation = await buildOrganisation();
    await queue(organisation, { referrerEmail: 'every@example.nhs.uk' });
    const { db } = await testServices();
    const { calls, send } = recordingSend();
    // Other test files share this database: leave their messages exactly as they were.
    const mine = new Set((await rowsOf(organisation)).map((r) => r.id));
    const summary = await sendPendingMessages(db, { send, skip: (id) => !mine.has(id) });
    expect(summary.organisations).toBeGreaterThanOrEqual(1);
    expect(calls.map((c) => c.recipient)).toEqual(['every@example.nhs.uk']);
    expect((await rowsOf(organisation)).map((r) => r.status)).toEqual(['sent']);
  });

  it('sends each message once when two passes run at the same time (two servers), with the row locked while sending', async () => {
    const organisation = await buildOrganisation();
    await queue(organisation, { referrerEmail: 'one@example.nhs.uk', personEmail: 'two@example.org', personPhone: '07700900321' });
    const { db } = await testServices();
    const calls: string[] = [];
    const send = async (m: OutgoingMessage) => {
      calls.push(m.id);
      await new Promise((resolve) => setTimeout(resolve, 50));
    };
    const options = { send, organisationIds: [organisation.id], holdLockWhileSending: true };
    const [a, b] = await Promise.all([sendPendingMessages(db, options), sendPendingMessages(db, options)]);
    expect(a.sent + b.sent).toBe(3);
    expect(new Set(calls).size).toBe(3);
    expect(calls).toHaveLength(3);
    expect((await rowsOf(organisation)).map((r) => [r.status, r.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
      ['sent', 1],
    ]);
  });

  it('counts a send that never answers as a failure', async () => {
    const organisation = await buildOrganisation();
    await queue(organisation, { referrerEmail: 'slow@example.nhs.uk' });
    const { db } = await testServices();
    await sendPendingMessages(db, { send: () => new Promise(() => undefined), organisationIds: [organisation.id], sendTimeoutMs: 50 });
    const [row] = await rowsOf(organisation);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastError: 'The sending service did not answer in time (50 ms)' });
  });

  it('runs on a timer, waits longer between retries, and stops cleanly', async () => {
    const organisation = await buildOrganisation();
    await queue(organisation, { referrerEmail: 'loop@example.nhs.uk' });
    const { db } = await testServices();
    let clock = 1_000_000;
    const { calls, send } = recordingSend(() => new SendFailure('GOV.UK Notify answered HTTP 503'));
    const sender = startOutboxSender(db, {
      send,
      organisationIds: [organisation.id],
      intervalMs: 60_000,
      firstRunMs: 60_000,
      retryBaseMs: 60_000,
      now: () => clock,
    });
    try {
      await sender.runNow();
      expect(calls).toHaveLength(1);
      await sender.runNow(); // within the minute's wait: not tried
      expect(calls).toHaveLength(1);
      clock += 60_001;
      await sender.runNow();
      expect(calls).toHaveLength(2);
      clock += 60_001; // the second wait is two minutes
      await sender.runNow();
      expect(calls).toHaveLength(2);
      clock += 60_001;
      await sender.runNow();
      expect(calls).toHaveLength(3);
    } finally {
      await sender.stop();
    }
    const [row] = await rowsOf(organisation);
    expect(row).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('keeps only safe words from an error', () => {
    expect(safeErrorMessage(new SendFailure('GOV.UK Notify answered HTTP 400'))).toBe('GOV.UK Notify answered HTTP 400');
    expect(safeErrorMessage(new TypeError('bad input aisha@example.org'))).toBe('Sending failed with an unexpected error (TypeError)');
    const odd = new Error('x');
    odd.name = 'to aisha@example.org';
    expect(safeErrorMessage(odd)).toBe('Sending failed with an unexpected error (Error)');
    expect(safeErrorMessage('a string')).toBe('Sending failed with an unexpected error (Error)');
  });
});
