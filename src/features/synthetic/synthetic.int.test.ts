import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../platform/db/database.js';
import { checkNhsNumber, isTestNhsNumber } from '../../platform/domain/nhs-number.js';
import { transitionAllowed, type OfferState } from '../offers/rules.js';
import { builtInMeasure } from '../outcomes/measures/builtin.js';
import { score } from '../outcomes/measures/score.js';
import { SNOMED } from '../referrals/rules.js';
import { testDatabase } from '../../../test/support/db.js';
import { buildOrganisation } from '../../../test/support/factories.js';
import { factDisagreements } from '../../../test/support/reports.js';
import { GenerateRefused, generateNational, type NationalOptions, type NationalSummary } from './generate.js';
import { buildNation } from './nation.js';
import { historyIsValid } from './shape.js';

/**
 * A small national year, generated twice: into a fresh embedded database and into the test run's
 * database (PGlite or PostgreSQL, alongside other tests' organisations, so with --append). The
 * same seed must give the same rows in both, table by table, and the same summary.
 */

const OPTIONS: NationalOptions = { seed: 20260401, referrals: 2000, services: 200, commissionerPassword: null, append: true };
const nation = buildNation(OPTIONS);
const organisationIds = nation.organisations.map((o) => o.id);

let fresh: Database;
let db: Database;
let freshSummary: NationalSummary;
let summary: NationalSummary;

/** Tables with an organisation_id: every tenant table, and the directory's search copy. */
async function tenantTables(database: Database): Promise<string[]> {
  const { rows } = await sql<{ tableName: string }>`SELECT table_name FROM information_schema.columns
    WHERE table_schema = 'public' AND column_name = 'organisation_id' ORDER BY table_name`.execute(database.kysely);
  return rows.map((r) => r.tableName);
}

/**
 * A digest per table of the generated organisations' rows, each read in its own organisation's
 * context (row-level security), rows as JSON in a fixed order. Left out: referral_event.id and
 * offer_event.id (identities numbered by the database), the directory's created_at/updated_at (set by the database,
 * as the directory generator leaves them) and its search_document (computed by the database, whose
 * text-search dictionaries differ between PostgreSQL versions: PGlite is newer than Debian's 15).
 */
async function checksums(database: Database): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const digest = (table: string, rows: { j: string }[]) => {
    const hash = createHash('sha256');
    for (const r of rows) hash.update(r.j).update('\n');
    out[table] = `${rows.length}:${hash.digest('hex').slice(0, 16)}`;
  };
  const ids = sql.join(organisationIds.map((id) => sql`${id}::uuid`));
  const userIds = sql.join(nation.users.map((u) => sql`${u.id}::uuid`));
  await database.inScope({ organisationId: null, userId: null }, async (tx) => {
    await sql`SET LOCAL TimeZone = 'UTC'`.execute(tx);
    digest('organisation', (await sql<{ j: string }>`SELECT to_jsonb(t)::text AS j FROM organisation t WHERE id IN (${ids}) ORDER BY 1`.execute(tx)).rows);
    digest('app_user', (await sql<{ j: string }>`SELECT to_jsonb(t)::text AS j FROM app_user t WHERE id IN (${userIds}) ORDER BY 1`.execute(tx)).rows);
  });
  for (const table of await tenantTables(database)) {
    const leaveOut = table === 'referral_event' || table === 'offer_event' ? ['id'] : table.startsWith('directory_') ? ['created_at', 'updated_at', 'search_document'] : [];
    const rows: { j: string }[] = [];
    for (const organisationId of organisationIds) {
      await database.inScope({ organisationId, userId: null }, async (tx) => {
        await sql`SET LOCAL TimeZone = 'UTC'`.execute(tx);
        const found = await sql<{ j: string }>`SELECT (to_jsonb(t) - ${sql.val(leaveOut)}::text[])::text AS j FROM ${sql.table(table)} t
          WHERE organisation_id = ${organisationId}::uuid ORDER BY 1`.execute(tx);
        rows.push(...found.rows);
      });
    }
    digest(table, rows);
  }
  return out;
}

beforeAll(async () => {
  fresh = await openDatabase({ kind: 'pglite' });
  await fresh.migrate();
  freshSummary = await generateNational(fresh, { ...OPTIONS, append: false });
  db = await testDatabase();
  summary = await generateNational(db, OPTIONS);
}, 600_000);

afterAll(async () => {
  await fresh?.close();
});

describe('linkwork generate: a synthetic national year', () => {
  it('writes the same rows and prints the same summary for the same seed, on either database', async () => {
    expect(summary).toEqual(freshSummary);
    const [a, b] = [await checksums(fresh), await checksums(db)];
    expect(b).toEqual(a);
    for (const table of ['organisation', 'app_user', 'membership', 'programme', 'person', 'referral', 'referral_event', 'referral_receipt', 'support_case', 'unmet_need', 'directory_service',
      'case_contact', 'offer', 'offer_event', 'measure_record', 'gp_attendance', 'commissioning']) {
      expect(Number(a[table]!.split(':')[0]), table).toBeGreaterThan(0);
    }
  }, 300_000);

  it('has about 10% of referrals for people facing multiple disadvantage, and the counts it says', async () => {
    expect(summary.mdShare).toBeGreaterThan(0.07);
    expect(summary.mdShare).toBeLessThan(0.13);
    expect(summary.referrals).toBe(OPTIONS.referrals + summary.redirectedIn);
    expect(summary.rows.referral).toBe(summary.referrals);
    expect(summary.waits.toAccept!.median).toBeGreaterThan(1);
    expect(summary.waits.toAccept!.median).toBeLessThan(7);
  });

  it('gives every referral a history consistent with its status, coded as the referral service codes it, and a case when accepted', async () => {
    for (const pcn of nation.pcns) {
      await db.inScope({ organisationId: pcn.org.id, userId: null }, async (tx) => {
        const referrals = await tx.selectFrom('referral').select(['id', 'status', 'caseId', 'closedReason', 'multipleDisadvantage']).execute();
        const events = await tx.selectFrom('referralEvent').select(['referralId', 'action', 'fromStatus', 'toStatus', 'snomedCode', 'reason']).orderBy('id').execute();
        const cases = new Map((await tx.selectFrom('supportCase').select(['id', 'referralId', 'status', 'linkWorkerUserId', 'multipleDisadvantage']).execute()).map((c) => [c.id, c]));
        const byReferral = new Map<string, typeof events>();
        for (const e of events) byReferral.set(e.referralId, [...(byReferral.get(e.referralId) ?? []), e]);
        const wrong = referrals.filter((r) => {
          const history = (byReferral.get(r.id) ?? []).map((e) => ({ ...e, from: e.fromStatus, to: e.toStatus }));
          const accepted = history.some((e) => e.action === 'accept');
          const allocated = history.some((e) => e.action === 'allocate');
          const supportCase = r.caseId ? cases.get(r.caseId) : undefined;
          return (
            !historyIsValid(history) ||
            history.at(-1)!.to !== r.status ||
            history.some((e) => (e.action === 'accept') !== (e.snomedCode === SNOMED.referralAccepted)) ||
            history.some((e) => (e.reason === 'person-declined') !== (e.snomedCode === SNOMED.personDeclined)) ||
            accepted !== Boolean(supportCase) ||
            (supportCase && (supportCase.referralId !== r.id || (supportCase.linkWorkerUserId !== null) !== allocated || supportCase.multipleDisadvantage !== r.multipleDisadvantage.length > 0)) ||
            (r.status === 'closed') !== (r.closedReason !== null)
          );
        });
        expect(wrong).toEqual([]);
        expect(cases.size).toBe(referrals.filter((r) => r.caseId).length);
      });
    }
  });

  it('keeps casework inside each case: dates from its history, contacts between allocation and closure, offers moved as the offers rules allow', async () => {
    const yearEnd = '2026-03-31';
    for (const pcn of nation.pcns) {
      await db.inScope({ organisationId: pcn.org.id, userId: null }, async (tx) => {
        await sql`SET LOCAL TimeZone = 'UTC'`.execute(tx);
        const cases = new Map((await tx.selectFrom('supportCase').select(['id', 'referralId', 'allocatedAt', 'firstContactOn', 'openedAt', 'closedAt', 'linkWorkerUserId']).execute()).map((c) => [c.id, c]));
        const day = (d: Date | string | null) => (d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));
        const firstContacts = new Map((await tx.selectFrom('referralEvent').select(['referralId', 'occurredAt']).where('action', '=', 'record-first-contact').execute()).map((e) => [e.referralId, day(e.occurredAt)]));
        expect([...cases.values()].filter((c) => day(c.firstContactOn) !== (firstContacts.get(c.referralId) ?? null) || (c.allocatedAt !== null) !== (c.linkWorkerUserId !== null))).toEqual([]);

        const contacts = await tx.selectFrom('caseContact').select(['caseId', 'contactDate', 'type', 'recordedBy']).execute();
        const outside = contacts.filter((k) => {
          const c = cases.get(k.caseId)!;
          return day(k.contactDate)! < day(c.allocatedAt)! || day(k.contactDate)! > (day(c.closedAt) ?? yearEnd) || k.recordedBy !== c.linkWorkerUserId;
        });
        expect(outside).toEqual([]);

        const offers = await tx.selectFrom('offer').select(['id', 'caseId', 'state', 'accompanied']).execute();
        const events = await tx.selectFrom('offerEvent').select(['offerId', 'kind', 'fromState', 'toState', 'occurredAt']).orderBy('id').execute();
        const byOffer = new Map<string, typeof events>();
        for (const e of events) byOffer.set(e.offerId, [...(byOffer.get(e.offerId) ?? []), e]);
        const illegal = offers.filter((o) => {
          const history = byOffer.get(o.id) ?? [];
          const c = cases.get(o.caseId)!;
          let state: string | null = null;
          for (const e of history) {
            if (state === null ? e.kind !== 'suggested' : e.kind === 'transition' ? e.fromState !== state || !transitionAllowed(state as OfferState, e.toState as OfferState) : e.toState !== state) return true;
            if (e.occurredAt < c.openedAt || (c.closedAt && e.occurredAt > c.closedAt)) return true;
            state = e.toState;
          }
          return state !== o.state;
        });
        expect(illegal).toEqual([]);
      });
    }
  });

  it('records outcome measures as the outcomes service does: scores its own engine gives, within range; declines without answers', async () => {
    const codes = new Set<string>();
    for (const pcn of nation.pcns) {
      await db.inScope({ organisationId: pcn.org.id, userId: null }, async (tx) => {
        const records = await tx.selectFrom('measureRecord').select(['measureCode', 'declined', 'answers', 'scores']).execute();
        for (const r of records) {
          codes.add(r.measureCode);
          if (r.declined) {
            expect([r.answers, r.scores]).toEqual([null, null]);
            continue;
          }
          const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
          const stored = parse(r.scores) as { scores: { value: number; min: number; max: number }[]; total: number | null };
          const rescored = score(builtInMeasure(r.measureCode)!, parse(r.answers));
          expect(stored.total).toBe(rescored.total);
          expect(stored.scores.map((x) => x.value)).toEqual(rescored.scores.map((x) => x.value));
          expect(stored.scores.filter((x) => x.value < x.min || x.value > x.max)).toEqual([]);
        }
      });
    }
    expect([...codes].sort()).toEqual(expect.arrayContaining(['ndt', 'ons4']));
  });

  it('links every PCN service to its ICB and local authority, so commissioners see their services\' figures at once', async () => {
    for (const icb of nation.icbs) {
      for (const commissioner of [icb.org, ...(icb.localAuthority ? [icb.localAuthority.org] : [])]) {
        await db.inScope({ organisationId: commissioner.id, userId: null }, async (tx) => {
          const rows = await tx.selectFrom('commissioning').select('organisationId').where('commissionerOrganisationId', '=', commissioner.id).execute();
          expect(rows.map((r) => r.organisationId).sort()).toEqual(icb.pcns.map((p) => p.org.id).sort());
          const { rows: seen } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM report_case`.execute(tx);
          expect(seen[0]!.n).toBeGreaterThan(0);
        });
      }
    }
  });

  it('keeps the report facts in step with everything it wrote, on either database', async () => {
    for (const pcn of nation.pcns) {
      expect(await factDisagreements(db, pcn.org.id), pcn.org.slug).toEqual([]);
      expect(await factDisagreements(fresh, pcn.org.id), pcn.org.slug).toEqual([]);
    }
  });

  it('uses only NHS numbers from the test range that pass the check, and leaves some people without one', async () => {
    let people = 0;
    let without = 0;
    for (const pcn of nation.pcns) {
      await db.inScope({ organisationId: pcn.org.id, userId: null }, async (tx) => {
        const rows = await tx.selectFrom('person').select(['nhsNumber', 'postcode', 'noFixedAbode']).execute();
        people += rows.length;
        without += rows.filter((r) => r.nhsNumber === null).length;
        expect(rows.filter((r) => r.nhsNumber !== null && (!checkNhsNumber(r.nhsNumber).ok || !isTestNhsNumber(r.nhsNumber)))).toEqual([]);
        expect(rows.filter((r) => (r.postcode === null) !== r.noFixedAbode)).toEqual([]);
      });
    }
    expect(without / people).toBeGreaterThan(0.04);
    expect(without / people).toBeLessThan(0.13);
  });

  it('keeps each organisation\'s rows in its own row-level security context', async () => {
    const [one, two] = nation.pcns;
    const seenBy = (organisationId: string) =>
      db.inScope({ organisationId, userId: null }, async (tx) => ({
        referrals: await tx.selectFrom('referral').select('organisationId').distinct().execute(),
        people: await tx.selectFrom('person').select('organisationId').distinct().execute(),
        // Published directory entries are public; unpublished ones are the curator's alone.
        directory: await tx.selectFrom('directoryService').select('organisationId').where('published', '=', false).distinct().execute(),
      }));
    const fromOne = await seenBy(one!.org.id);
    expect(fromOne.referrals).toEqual([{ organisationId: one!.org.id }]);
    expect(fromOne.people).toEqual([{ organisationId: one!.org.id }]);
    expect(fromOne.directory).toEqual([{ organisationId: one!.org.id }]);
    const fromTwo = await seenBy(two!.org.id);
    expect(fromTwo.referrals).toEqual([{ organisationId: two!.org.id }]);

    // A practice sees its own receipts (and nothing of the referral itself); a commissioner sees no person.
    const practice = one!.practices[0]!;
    await db.inScope({ organisationId: practice.org.id, userId: null }, async (tx) => {
      const receipts = await tx.selectFrom('referralReceipt').select(['organisationId', 'receivingOrganisationId']).execute();
      expect(receipts.every((r) => r.organisationId === practice.org.id)).toBe(true);
      expect(await tx.selectFrom('referral').select('id').execute()).toEqual([]);
    });
    await db.inScope({ organisationId: nation.icbs[0]!.org.id, userId: null }, async (tx) => {
      expect(await tx.selectFrom('person').select('id').execute()).toEqual([]);
    });
  });

  it('refuses a database with other organisations unless told to append, and the same seed twice', async () => {
    await expect(generateNational(db, { ...OPTIONS, append: true })).rejects.toThrow(GenerateRefused);
    await buildOrganisation();
    await expect(generateNational(db, { ...OPTIONS, seed: 1, append: false })).rejects.toThrow(/not demo data/);
  });
});
