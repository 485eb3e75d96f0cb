import { sql } from 'kysely';
import { recordAudit } from '../../platform/audit/audit.js';
import { authorize, can } from '../../platform/auth/policy.js';
import type { RequestContext } from '../../platform/context.js';
import type { Database, Tx } from '../../platform/db/database.js';
import { Conflict, FieldErrors, Forbidden, NotFound, ValidationFailed } from '../../platform/errors.js';
import { text } from '../../platform/validation.js';
import type { ReferralService } from '../referrals/service.js';
import { programmeSettings, teamLoads } from './capacity.js';
import { caseNeeds, loadCaseHeader, type CaseHeader } from './header.js';
import { casePolicy } from './policy.js';
import {
  adviceAfterAttempts,
  attemptsInARow,
  DEFAULT_SETTINGS,
  firstContactState,
  isMeeting,
  londonDay,
  reachedPerson,
  REFERRAL_REASON_FOR,
  sessionAllowance,
  validateCloseReason,
  validateConcern,
  validateContact,
  validateMdChange,
  validatePause,
  validateSafety,
  validateSettings,
  validateWhatMatters,
  type AttemptsAdvice,
  type CaseCloseReason,
  type ContactType,
  type FirstContactState,
  type ProgrammeSettings,
  type SessionAllowance,
} from './rules.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (value: Date | string) => new Date(value).toISOString();
const DAY_MS = 86_400_000;

export type CaseStatus = 'open' | 'paused' | 'closed';

export interface NextAction {
  text: string;
  date: string | null;
}

export interface CaseSummary {
  id: string;
  reference: string;
  personName: string;
  status: CaseStatus;
  /** Staff only: never shown to the person or to referrers. */
  multipleDisadvantage: boolean;
  linkWorker: { id: string; name: string } | null;
  openedAt: string;
  firstContact: FirstContactState;
  nextAction: NextAction | null;
  sessions: SessionAllowance;
  attempts: AttemptsAdvice;
  reviewDate: string | null;
}

export interface CaseContactView {
  id: string;
  contactDate: string;
  type: ContactType;
  durationMinutes: number | null;
  location: string | null;
  /** Null when the note is sensitive and the reader is neither the allocated link worker nor a team lead. */
  note: string | null;
  sensitive: boolean;
  noteHidden: boolean;
  nextStep: string | null;
  nextStepDate: string | null;
  recordedBy: string | null;
  recordedAt: string;
}

export interface CaseEventView {
  kind: string;
  reason: string | null;
  reviewDate: string | null;
  closeReason: string | null;
  multipleDisadvantage: boolean | null;
  linkWorker: string | null;
  overrideReason: string | null;
  loadAfter: number | null;
  capacity: number | null;
  by: string;
  at: string;
}

export interface CaseView {
  header: CaseHeader;
  settings: ProgrammeSettings;
  urgency: string;
  referredAt: string;
  firstContact: FirstContactState;
  sessions: SessionAllowance;
  attempts: AttemptsAdvice;
  nextAction: NextAction | null;
  reviewDate: string | null;
  closedReason: string | null;
  contacts: CaseContactView[];
  needs: { code: string; label: string; source: 'referral' | 'conversation' }[];
  strengths: string[];
  goals: string[];
  safety: { risk: boolean; riskNote: string | null; loneWorking: boolean; loneWorkingNote: string | null; updatedAt: string | null };
  concerns: { id: string; what: string; raisedOn: string; raisedWith: string; recordedBy: string | null; recordedAt: string }[];
  history: CaseEventView[];
  /** The same person's other cases here: a re-referral links to their history. */
  previousCases: { id: string; reference: string; status: CaseStatus; openedAt: string; closedAt: string | null; closedReason: string | null }[];
  /** What the reader may do: the allocated link worker or a team lead works on a case. */
  canWork: boolean;
  isTeamLead: boolean;
}

export interface CaseListFilters {
  mine?: unknown;
  status?: unknown;
  linkWorker?: unknown;
  firstContact?: unknown;
  multipleDisadvantage?: unknown;
}

const yes = (v: unknown) => v === true || v === 'true' || v === 'yes';

function workingNextAction(row: { status: CaseStatus; reviewDate: string | null; nextStep: string | null; nextStepDate: string | null }, firstContact: FirstContactState): NextAction | null {
  if (row.status === 'closed') return null;
  if (row.status === 'paused') return { text: 'Look at the pause again', date: row.reviewDate };
  if (firstContact.state === 'not-allocated') return { text: 'Allocate a link worker', date: null };
  if (firstContact.state === 'due' || firstContact.state === 'overdue') return { text: 'Make first contact', date: firstContact.due };
  if (row.nextStep) return { text: row.nextStep, date: row.nextStepDate };
  return { text: 'Agree a next step together', date: null };
}

export function createCaseService(db: Database, referrals: ReferralService, clock: () => Date = () => new Date()) {
  const today = () => londonDay(clock());
  const scope = (ctx: RequestContext) => ({ organisationId: ctx.organisationId, userId: ctx.actor.userId });

  async function settingsByProgramme(tx: Tx, organisationId: string): Promise<Map<string, ProgrammeSettings>> {
    const rows = await tx.selectFrom('programme').select('id').where('organisationId', '=', organisationId).execute();
    const map = new Map<string, ProgrammeSettings>();
    for (const row of rows) map.set(row.id, await programmeSettings(tx, organisationId, row.id));
    return map;
  }

  /** The case, locked, for someone who may work on it: a team lead, or the allocated link worker. */
  async function loadForWork(tx: Tx, ctx: RequestContext, caseId: string) {
    authorize(ctx, casePolicy, 'work');
    if (!UUID.test(caseId)) throw new NotFound('There is no such case');
    const row = await tx
      .selectFrom('supportCase')
      .selectAll()
      .where('organisationId', '=', ctx.organisationId)
      .where('id', '=', caseId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new NotFound('There is no such case');
    if (!can(ctx, casePolicy, 'manage-team') && row.linkWorkerUserId !== ctx.actor.userId) {
      throw new Forbidden('Only the allocated link worker or a team lead can change this case');
    }
    return row;
  }

  async function addEvent(tx: Tx, ctx: RequestContext, caseId: string, event: { kind: 'paused' | 'resumed' | 'closed' | 'reopened' | 'md-changed'; reason?: string | null; reviewDate?: string | null; closeReason?: string | null; multipleDisadvantage?: boolean | null }) {
    await tx
      .insertInto('caseEvent')
      .values({
        organisationId: ctx.organisationId,
        caseId,
        kind: event.kind,
        reason: event.reason ?? null,
        reviewDate: event.reviewDate ?? null,
        closeReason: event.closeReason ?? null,
        multipleDisadvantage: event.multipleDisadvantage ?? null,
        actorUserId: ctx.actor.userId,
        actorLabel: ctx.actor.label,
      })
      .execute();
  }

  /** One row per case with what the caseload shows, in one statement (no per-case queries). */
  async function summaries(tx: Tx, ctx: RequestContext, where: ReturnType<typeof sql>, limit: number): Promise<CaseSummary[]> {
    const { rows } = await sql<{
      id: string; status: CaseStatus; md: boolean; opened: Date; allocated: Date | null; first: string | null; review: string | null; programme: string;
      reference: string; given: string; preferred: string | null; family: string; worker: string | null; workername: string | null;
      meetings: number; nextStep: string | null; nextDate: string | null; recent: ContactType[] | null;
    }>`
      SELECT c.id, c.status, c.multiple_disadvantage AS md, c.opened_at AS opened, c.allocated_at AS allocated, c.first_contact_on AS first,
             c.review_date AS review, c.programme_id AS programme, r.reference, p.given_name AS given, p.preferred_name AS preferred,
             p.family_name AS family, lw.id AS worker, lw.name AS workername,
             COALESCE(m.meetings, 0)::int AS meetings, ns.next_step, ns.next_step_date AS next_date, recent.types AS recent
      FROM support_case c
      JOIN person p ON p.organisation_id = c.organisation_id AND p.id = c.person_id
      JOIN referral r ON r.organisation_id = c.organisation_id AND r.id = c.referral_id
      LEFT JOIN app_user lw ON lw.id = c.link_worker_user_id
      LEFT JOIN LATERAL (
        SELECT count(*) FILTER (WHERE cc.type NOT IN ('text', 'attempted')) AS meetings
        FROM case_contact cc WHERE cc.organisation_id = c.organisation_id AND cc.case_id = c.id
      ) m ON true
      LEFT JOIN LATERAL (
        SELECT cc.next_step, cc.next_step_date FROM case_contact cc
        WHERE cc.organisation_id = c.organisation_id AND cc.case_id = c.id
        ORDER BY cc.contact_date DESC, cc.recorded_at DESC LIMIT 1
      ) ns ON true
      LEFT JOIN LATERAL (
        SELECT array_agg(t.type ORDER BY t.contact_date DESC, t.recorded_at DESC) AS types FROM (
          SELECT cc.type, cc.contact_date, cc.recorded_at FROM case_contact cc
          WHERE cc.organisation_id = c.organisation_id AND cc.case_id = c.id
          ORDER BY cc.contact_date DESC, cc.recorded_at DESC LIMIT 21
        ) t
      ) recent ON true
      WHERE c.organisation_id = ${ctx.organisationId} ${where}
      ORDER BY c.opened_at, c.id
      LIMIT ${limit}`.execute(tx);
    const settings = await settingsByProgramme(tx, ctx.organisationId);
    const day = today();
    return rows.map((row) => {
      const s = settings.get(row.programme) ?? DEFAULT_SETTINGS;
      const firstContact = firstContactState(s, row.allocated ? londonDay(new Date(row.allocated)) : null, row.first, day);
      return {
        id: row.id,
        reference: row.reference,
        personName: `${row.preferred || row.given} ${row.family}`,
        status: row.status,
        multipleDisadvantage: row.md,
        linkWorker: row.worker ? { id: row.worker, name: row.workername! } : null,
        openedAt: iso(row.opened),
        firstContact,
        nextAction: workingNextAction({ status: row.status, reviewDate: row.review, nextStep: row.nextStep, nextStepDate: row.nextDate }, firstContact),
        sessions: sessionAllowance(s, row.md, row.meetings),
        attempts: adviceAfterAttempts(s, row.md, attemptsInARow(row.recent ?? [])),
        reviewDate: row.review,
      };
    });
  }

  /** Overdue first contacts first (longest overdue first), then by the next action's date, undated last. */
  function caseloadOrder(a: CaseSummary, b: CaseSummary): number {
    const overdue = (c: CaseSummary) => (c.firstContact.state === 'overdue' ? c.firstContact.daysOverdue : -1);
    if (overdue(a) !== overdue(b)) return overdue(b) - overdue(a);
    const date = (c: CaseSummary) => c.nextAction?.date ?? '9999-12-31';
    return date(a).localeCompare(date(b)) || a.openedAt.localeCompare(b.openedAt);
  }

  const service = {
    /**
     * A caseload: by default the service's open and paused cases; `mine` the reader's own. Counts by
     * status follow the same filters except status.
     */
    async list(ctx: RequestContext, filters: CaseListFilters = {}): Promise<{ items: CaseSummary[]; counts: Record<CaseStatus, number> }> {
      authorize(ctx, casePolicy, 'view');
      const errors = new FieldErrors();
      const status = text(filters.status) || 'active';
      if (!['active', 'open', 'paused', 'closed', 'all'].includes(status)) errors.add('status', 'Status is active, open, paused, closed or all');
      const worker = text(filters.linkWorker);
      if (worker && !UUID.test(worker)) errors.add('linkWorker', 'Choose a link worker from the list');
      const firstContact = text(filters.firstContact);
      if (firstContact && !['overdue', 'due', 'made'].includes(firstContact)) errors.add('firstContact', 'First contact is overdue, due or made');
      const md = text(filters.multipleDisadvantage);
      if (md && !['yes', 'no'].includes(md)) errors.add('multipleDisadvantage', 'Multiple disadvantage is yes or no');
      errors.throwIfAny();
      const who = yes(filters.mine) ? ctx.actor.userId : worker || null;
      const whoFilter = who ? sql`AND c.link_worker_user_id = ${who}` : sql``;
      const statusFilter =
        status === 'active' ? sql`AND c.status <> 'closed'` : status === 'all' ? sql`` : sql`AND c.status = ${status}`;
      const mdFilter = md ? sql`AND c.multiple_disadvantage = ${md === 'yes'}` : sql``;
      return db.inScope(scope(ctx), async (tx) => {
        let items = await summaries(tx, ctx, sql`${whoFilter} ${statusFilter} ${mdFilter}`, 2000);
        if (firstContact) items = items.filter((c) => c.firstContact.state === firstContact);
        items.sort(caseloadOrder);
        const { rows } = await sql<{ status: CaseStatus; n: number }>`
          SELECT c.status, count(*)::int AS n FROM support_case c
          WHERE c.organisation_id = ${ctx.organisationId} ${whoFilter} ${mdFilter} GROUP BY c.status`.execute(tx);
        const counts: Record<CaseStatus, number> = { open: 0, paused: 0, closed: 0 };
        for (const row of rows) counts[row.status] = row.n;
        await recordAudit(tx, ctx, { action: 'case.list-viewed', subjectType: 'case', detail: { mine: yes(filters.mine), count: items.length } });
        return { items, counts };
      });
    },

    /** Everything about one case, for its pages and GET /api/v1/cases/{id}. The read is audited. */
    async get(ctx: RequestContext, caseId: string, part = 'api'): Promise<CaseView> {
      authorize(ctx, casePolicy, 'view');
      return db.inScope(scope(ctx), async (tx) => {
        const header = await loadCaseHeader(tx, ctx, caseId, part);
        if (!header) throw new NotFound('There is no such case');
        const id = header.id;
        const row = await tx
          .selectFrom('supportCase as c')
          .innerJoin('referral as r', (join) => join.onRef('r.organisationId', '=', 'c.organisationId').onRef('r.id', '=', 'c.referralId'))
          .select(['c.programmeId', 'c.allocatedAt', 'c.firstContactOn', 'c.reviewDate', 'c.closedReason', 'c.personId', 'r.urgency', 'r.createdAt'])
          .where('c.organisationId', '=', ctx.organisationId)
          .where('c.id', '=', id)
          .executeTakeFirstOrThrow();
        const settings = await programmeSettings(tx, ctx.organisationId, row.programmeId);
        const isTeamLead = can(ctx, casePolicy, 'manage-team');
        const isAllocated = header.linkWorker?.id === ctx.actor.userId;
        const seesSensitive = isTeamLead || isAllocated;

        const contacts = await tx
          .selectFrom('caseContact as cc')
          .leftJoin('appUser as u', 'u.id', 'cc.recordedBy')
          .selectAll('cc')
          .select('u.name as recorderName')
          .where('cc.organisationId', '=', ctx.organisationId)
          .where('cc.caseId', '=', id)
          .orderBy('cc.contactDate', 'desc')
          .orderBy('cc.recordedAt', 'desc')
          .execute();
        const needs = await tx
          .selectFrom('caseNeed as n')
          .innerJoin('needCode as nc', 'nc.code', 'n.needCode')
          .select(['n.needCode', 'nc.label', 'n.source'])
          .where('n.organisationId', '=', ctx.organisationId)
          .where('n.caseId', '=', id)
          .orderBy('nc.sortOrder')
          .execute();
        const items = await tx
          .selectFrom('casePlanItem')
          .select(['kind', 'words'])
          .where('organisationId', '=', ctx.organisationId)
          .where('caseId', '=', id)
          .where('setAsideAt', 'is', null)
          .orderBy('position')
          .execute();
        const safety = await tx
          .selectFrom('personSafety')
          .selectAll()
          .where('organisationId', '=', ctx.organisationId)
          .where('personId', '=', row.personId)
          .executeTakeFirst();
        const concerns = await tx
          .selectFrom('safeguardingConcern as s')
          .leftJoin('appUser as u', 'u.id', 's.recordedBy')
          .select(['s.id', 's.what', 's.raisedOn', 's.raisedWith', 'u.name', 's.recordedAt'])
          .where('s.organisationId', '=', ctx.organisationId)
          .where('s.caseId', '=', id)
          .orderBy('s.raisedOn', 'desc')
          .orderBy('s.recordedAt', 'desc')
          .execute();
        const events = await tx
          .selectFrom('caseEvent as e')
          .leftJoin('appUser as u', 'u.id', 'e.actorUserId')
          .leftJoin('appUser as w', 'w.id', 'e.linkWorkerUserId')
          .selectAll('e')
          .select(['u.name as actorName', 'w.name as workerName'])
          .where('e.organisationId', '=', ctx.organisationId)
          .where('e.caseId', '=', id)
          .orderBy('e.id')
          .execute();
        // The same person, or someone with the same name and date of birth (as the referral duplicate check matches).
        const { rows: previous } = await sql<{ id: string; reference: string; status: CaseStatus; opened: Date; closed: Date | null; reason: string | null }>`
          SELECT c.id, r.reference, c.status, c.opened_at AS opened, c.closed_at AS closed, c.closed_reason AS reason
          FROM support_case c
          JOIN referral r ON r.organisation_id = c.organisation_id AND r.id = c.referral_id
          JOIN person p ON p.organisation_id = c.organisation_id AND p.id = c.person_id
          JOIN person me ON me.organisation_id = ${ctx.organisationId} AND me.id = ${row.personId}
          WHERE c.organisation_id = ${ctx.organisationId} AND c.id <> ${id}
            AND (c.person_id = me.id OR (lower(p.family_name) = lower(me.family_name) AND lower(p.given_name) = lower(me.given_name) AND p.date_of_birth = me.date_of_birth))
          ORDER BY c.opened_at DESC`.execute(tx);

        const day = today();
        const firstContact = firstContactState(settings, row.allocatedAt ? londonDay(new Date(row.allocatedAt)) : null, row.firstContactOn, day);
        const meetings = contacts.filter((c) => isMeeting(c.type)).length;
        const latest = contacts[0];
        return {
          header,
          settings,
          urgency: row.urgency,
          referredAt: iso(row.createdAt),
          firstContact,
          sessions: sessionAllowance(settings, header.multipleDisadvantage, meetings),
          attempts: adviceAfterAttempts(settings, header.multipleDisadvantage, attemptsInARow(contacts.map((c) => c.type))),
          nextAction: workingNextAction({ status: header.status, reviewDate: row.reviewDate, nextStep: latest?.nextStep ?? null, nextStepDate: latest?.nextStepDate ?? null }, firstContact),
          reviewDate: row.reviewDate,
          closedReason: row.closedReason,
          contacts: contacts.map((c) => {
            const hidden = c.sensitive && !seesSensitive;
            return {
              id: c.id,
              contactDate: c.contactDate,
              type: c.type,
              durationMinutes: c.durationMinutes,
              location: c.location,
              note: hidden ? null : c.note,
              sensitive: c.sensitive,
              noteHidden: hidden && c.note !== null,
              nextStep: c.nextStep,
              nextStepDate: c.nextStepDate,
              recordedBy: c.recorderName,
              recordedAt: iso(c.recordedAt),
            };
          }),
          needs: needs.map((n) => ({ code: n.needCode, label: n.label, source: n.source })),
          strengths: items.filter((i) => i.kind === 'strength').map((i) => i.words),
          goals: items.filter((i) => i.kind === 'goal').map((i) => i.words),
          safety: {
            risk: safety?.risk ?? false,
            riskNote: safety?.riskNote ?? null,
            loneWorking: safety?.loneWorking ?? false,
            loneWorkingNote: safety?.loneWorkingNote ?? null,
            updatedAt: safety ? iso(safety.updatedAt) : null,
          },
          concerns: concerns.map((c) => ({ id: c.id, what: c.what, raisedOn: c.raisedOn, raisedWith: c.raisedWith, recordedBy: c.name, recordedAt: iso(c.recordedAt) })),
          history: events.map((e) => ({
            kind: e.kind,
            reason: e.reason,
            reviewDate: e.reviewDate,
            closeReason: e.closeReason,
            multipleDisadvantage: e.multipleDisadvantage,
            linkWorker: e.workerName,
            overrideReason: e.overrideReason,
            loadAfter: e.loadAfter === null ? null : Number(e.loadAfter),
            capacity: e.capacity === null ? null : Number(e.capacity),
            by: e.actorName ?? e.actorLabel,
            at: iso(e.occurredAt),
          })),
          previousCases: previous.map((p) => ({ id: p.id, reference: p.reference, status: p.status, openedAt: iso(p.opened), closedAt: p.closed ? iso(p.closed) : null, closedReason: p.reason })),
          canWork: isTeamLead || (isAllocated && can(ctx, casePolicy, 'work')),
          isTeamLead,
        };
      });
    },

    /**
     * Logs a contact. The first one that reaches the person records first contact on the referral
     * too (its history and the referrer's neutral receipt move together). A closed case is reopened
     * first, so nothing is logged against a closure by mistake.
     */
    async addContact(ctx: RequestContext, caseId: string, input: Record<string, unknown>): Promise<{ id: string }> {
      const contact = validateContact(input, today());
      return db.inScope(scope(ctx), async (tx) => {
        const row = await loadForWork(tx, ctx, caseId);
        if (row.status === 'closed') throw new Conflict('This case is closed: reopen it to log a contact');
        const inserted = await tx
          .insertInto('caseContact')
          .values({ organisationId: ctx.organisationId, caseId: row.id, ...contact, recordedBy: ctx.actor.userId })
          .returning('id')
          .executeTakeFirstOrThrow();
        if (reachedPerson(contact.type)) {
          const referral = await tx.selectFrom('referral').select('status').where('organisationId', '=', ctx.organisationId).where('id', '=', row.referralId).executeTakeFirstOrThrow();
          if (referral.status === 'allocated') await referrals.actWithin(tx, ctx, row.referralId, 'record-first-contact');
          if (!row.firstContactOn || contact.contactDate < row.firstContactOn) {
            await tx.updateTable('supportCase').set({ firstContactOn: contact.contactDate }).where('organisationId', '=', ctx.organisationId).where('id', '=', row.id).execute();
          }
        }
        await recordAudit(tx, ctx, { action: 'case.contact-recorded', subjectType: 'case', subjectId: row.id, detail: { type: contact.type, sensitive: contact.sensitive } });
        return { id: inserted.id };
      });
    },

    async pause(ctx: RequestContext, caseId: string, input: { reason?: unknown; reviewDate?: unknown }): Promise<void> {
      const valid = validatePause(input, today());
      await db.inScope(scope(ctx), async (tx) => {
        const row = await loadForWork(tx, ctx, caseId);
        await referrals.actWithin(tx, ctx, row.referralId, 'pause', { reason: valid.reason });
        await tx.updateTable('supportCase').set({ reviewDate: valid.reviewDate }).where('organisationId', '=', ctx.organisationId).where('id', '=', row.id).execute();
        await addEvent(tx, ctx, row.id, { kind: 'paused', reason: valid.reason, reviewDate: valid.reviewDate });
      });
    },

    async resume(ctx: RequestContext, caseId: string): Promise<void> {
      await db.inScope(scope(ctx), async (tx) => {
        const row = await loadForWork(tx, ctx, caseId);
        await referrals.actWithin(tx, ctx, row.referralId, 'resume');
        await tx.updateTable('supportCase').set({ reviewDate: null }).where('organisationId', '=', ctx.organisationId).where('id', '=', row.id).execute();
        await addEvent(tx, ctx, row.id, { kind: 'resumed' });
      });
    },

    /**
     * Closes with casework's reason; the referral closes with the matching neutral reason, so the
     * referrer reads only that support has finished and that it does not affect the person's care.
     * Nobody facing multiple disadvantage is closed for being hard to reach by a link worker alone.
     */
    async close(ctx: RequestContext, caseId: string, input: { reason?: unknown }): Promise<void> {
      const reason: CaseCloseReason = validateCloseReason(input.reason);
      await db.inScope(scope(ctx), async (tx) => {
        const row = await loadForWork(tx, ctx, caseId);
        // The referral transition refuses a link worker closing an MD case as unreachable (closureNeedsTeamLead).
        await referrals.actWithin(tx, ctx, row.referralId, 'close', { reason: REFERRAL_REASON_FOR[reason] });
        await tx.updateTable('supportCase').set({ closedReason: reason, reviewDate: null }).where('organisationId', '=', ctx.organisationId).where('id', '=', row.id).execute();
        await addEvent(tx, ctx, row.id, { kind: 'closed', closeReason: reason });
      });
    },

    /** Reopening keeps every contact, plan item and event; the referral carries on from where it closed. */
    async reopen(ctx: RequestContext, caseId: string, input: { reason?: unknown } = {}): Promise<void> {
      const reason = text(input.reason);
      if (reason.length > 500) throw ValidationFailed.field('reason', 'Reason must be 500 characters or fewer');
      await db.inScope(scope(ctx), async (tx) => {
        const row = await loadForWork(tx, ctx, caseId);
        await referrals.actWithin(tx, ctx, row.referralId, 'reopen', { reason });
        await addEvent(tx, ctx, row.id, { kind: 'reopened', reason: reason || null });
      });
    },

    /** The link worker's judgement on MD status, with the reason kept in the case history. */
    async setMultipleDisadvantage(ctx: RequestContext, caseId: string, input: { multipleDisadvantage?: unknown; reason?: unknown }): Promise<void> {
      await db.inScope(scope(ctx), async (tx) => {
        const row = await loadForWork(tx, ctx, caseId);
        const valid = validateMdChange(input, row.multipleDisadvantage);
        await tx.updateTable('supportCase').set({ multipleDisadvantage: valid.multipleDisadvantage }).where('organisationId', '=', ctx.organisationId).where('id', '=', row.id).execute();
        await addEvent(tx, ctx, row.id, { kind: 'md-changed', reason: valid.reason, multipleDisadvantage: valid.multipleDisadvantage });
        await recordAudit(tx, ctx, { action: 'case.md-changed', subjectType: 'case', subjectId: row.id, detail: { to: valid.multipleDisadvantage } });
      });
    },

    /**
     * Saves "what matters to me": the needs (coded), strengths and goals (the person's words, one a
     * line). Items no longer listed are set aside with the date, not deleted.
     */
    async saveWhatMatters(ctx: RequestContext, caseId: string, input: { needs?: unknown; strengths?: unknown; goals?: unknown }): Promise<void> {
      await db.inScope(scope(ctx), async (tx) => {
        const known = await tx.selectFrom('needCode').select('code').where('active', '=', true).execute();
        const valid = validateWhatMatters(input, new Set(known.map((k) => k.code)));
        const row = await loadForWork(tx, ctx, caseId);
        const now = clock();
        const current = await tx.selectFrom('caseNeed').select('needCode').where('organisationId', '=', ctx.organisationId).where('caseId', '=', row.id).execute();
        const have = new Set(current.map((n) => n.needCode));
        const gone = [...have].filter((code) => !valid.needs.includes(code));
        if (gone.length) await tx.deleteFrom('caseNeed').where('organisationId', '=', ctx.organisationId).where('caseId', '=', row.id).where('needCode', 'in', gone).execute();
        const added = valid.needs.filter((code) => !have.has(code));
        if (added.length) {
          await tx.insertInto('caseNeed').values(added.map((needCode) => ({ organisationId: ctx.organisationId, caseId: row.id, needCode, source: 'conversation' as const }))).execute();
        }
        for (const kind of ['strength', 'goal'] as const) {
          const words = kind === 'strength' ? valid.strengths : valid.goals;
          const existing = await tx
            .selectFrom('casePlanItem')
            .select(['id', 'words'])
            .where('organisationId', '=', ctx.organisationId)
            .where('caseId', '=', row.id)
            .where('kind', '=', kind)
            .where('setAsideAt', 'is', null)
            .execute();
          for (const item of existing) {
            const position = words.indexOf(item.words);
            const change = position < 0 ? { setAsideAt: now } : { position };
            await tx.updateTable('casePlanItem').set(change).where('organisationId', '=', ctx.organisationId).where('id', '=', item.id).execute();
          }
          const kept = new Set(existing.map((i) => i.words));
          const fresh = words.map((w, position) => ({ w, position })).filter(({ w }) => !kept.has(w));
          if (fresh.length) {
            await tx
              .insertInto('casePlanItem')
              .values(fresh.map(({ w, position }) => ({ organisationId: ctx.organisationId, caseId: row.id, kind, words: w, position, addedBy: ctx.actor.userId })))
              .execute();
          }
        }
        await recordAudit(tx, ctx, {
          action: 'case.plan-updated',
          subjectType: 'case',
          subjectId: row.id,
          detail: { needs: valid.needs.length, strengths: valid.strengths.length, goals: valid.goals.length },
        });
      });
    },

    /** Risk and lone-working flags on the person. Recorded for staff; nothing happens automatically. */
    async saveSafety(ctx: RequestContext, caseId: string, input: Record<string, unknown>): Promise<void> {
      const valid = validateSafety(input);
      await db.inScope(scope(ctx), async (tx) => {
        const row = await loadForWork(tx, ctx, caseId);
        const values = { ...valid, updatedBy: ctx.actor.userId, updatedAt: clock() };
        await tx
          .insertInto('personSafety')
          .values({ organisationId: ctx.organisationId, personId: row.personId, ...values })
          .onConflict((oc) => oc.columns(['organisationId', 'personId']).doUpdateSet(values))
          .execute();
        await recordAudit(tx, ctx, { action: 'person.safety-updated', subjectType: 'person', subjectId: row.personId, detail: { case: row.id, risk: valid.risk, loneWorking: valid.loneWorking } });
      });
    },

    /** A safeguarding concern: what, when and to whom it was raised. Logged, never acted on automatically. */
    async addConcern(ctx: RequestContext, caseId: string, input: Record<string, unknown>): Promise<{ id: string }> {
      const valid = validateConcern(input, today());
      return db.inScope(scope(ctx), async (tx) => {
        const row = await loadForWork(tx, ctx, caseId);
        const inserted = await tx
          .insertInto('safeguardingConcern')
          .values({ organisationId: ctx.organisationId, caseId: row.id, ...valid, recordedBy: ctx.actor.userId })
          .returning('id')
          .executeTakeFirstOrThrow();
        await recordAudit(tx, ctx, { action: 'case.safeguarding-concern-recorded', subjectType: 'case', subjectId: row.id });
        return { id: inserted.id };
      });
    },

    /** Allocation or re-allocation from the team view: the referral's allocate action, with its capacity check. */
    async allocate(ctx: RequestContext, caseId: string, input: { linkWorker?: unknown; overrideReason?: unknown }): Promise<void> {
      authorize(ctx, casePolicy, 'manage-team');
      if (!UUID.test(caseId)) throw new NotFound('There is no such case');
      await db.inScope(scope(ctx), async (tx) => {
        const row = await tx.selectFrom('supportCase').select(['referralId', 'status']).where('organisationId', '=', ctx.organisationId).where('id', '=', caseId).executeTakeFirst();
        if (!row) throw new NotFound('There is no such case');
        if (row.status === 'closed') throw new Conflict('This case is closed: reopen it before allocating');
        await referrals.actWithin(tx, ctx, row.referralId, 'allocate', { linkWorker: input.linkWorker, overrideReason: input.overrideReason });
      });
    },

    /**
     * The team lead's view: each link worker's weighted load against capacity, open cases and overdue
     * first contacts; MD cases flagged for a conversation; and the waiting list (accepted, not yet
     * allocated), urgent first, then longest waiting.
     */
    async team(ctx: RequestContext) {
      authorize(ctx, casePolicy, 'manage-team');
      return db.inScope(scope(ctx), async (tx) => {
        const loads = await teamLoads(tx, ctx.organisationId);
        const people = await tx
          .selectFrom('membership as m')
          .innerJoin('appUser as u', 'u.id', 'm.userId')
          .select(['u.id', 'u.name', 'm.role'])
          .where('m.organisationId', '=', ctx.organisationId)
          .where('m.active', '=', true)
          .where('u.active', '=', true)
          .where('m.role', 'in', ['link-worker', 'team-lead'])
          .orderBy('u.name')
          .execute();
        const open = await summaries(tx, ctx, sql`AND c.status <> 'closed'`, 100_000);
        const workers = people.map((p) => {
          const load = loads.get(p.id) ?? { load: 0, capacity: DEFAULT_SETTINGS.defaultCapacity, openCases: 0, mdCases: 0 };
          const mine = open.filter((c) => c.linkWorker?.id === p.id);
          return {
            id: p.id,
            name: p.name,
            role: p.role,
            ...load,
            overCapacity: load.load > load.capacity,
            overdueFirstContacts: mine.filter((c) => c.firstContact.state === 'overdue').length,
          };
        });
        const conversations = open.filter((c) => c.attempts.kind === 'talk-to-team-lead');
        const { rows: waiting } = await sql<{ id: string; reference: string; urgency: string; referred: Date; given: string; preferred: string | null; family: string; md: boolean }>`
          SELECT c.id, r.reference, r.urgency, r.created_at AS referred, p.given_name AS given, p.preferred_name AS preferred, p.family_name AS family, c.multiple_disadvantage AS md
          FROM support_case c
          JOIN referral r ON r.organisation_id = c.organisation_id AND r.id = c.referral_id
          JOIN person p ON p.organisation_id = c.organisation_id AND p.id = c.person_id
          WHERE c.organisation_id = ${ctx.organisationId} AND c.status = 'open' AND c.link_worker_user_id IS NULL
          ORDER BY (r.urgency = 'urgent') DESC, r.created_at, c.id`.execute(tx);
        const now = clock().getTime();
        await recordAudit(tx, ctx, { action: 'case.team-viewed', subjectType: 'case', detail: { waiting: waiting.length } });
        return {
          workers,
          conversations: conversations.map((c) => ({ id: c.id, reference: c.reference, personName: c.personName, linkWorker: c.linkWorker, attempts: c.attempts.kind === 'talk-to-team-lead' ? c.attempts.attempts : 0 })),
          waiting: waiting.map((w) => ({
            id: w.id,
            reference: w.reference,
            urgency: w.urgency,
            personName: `${w.preferred || w.given} ${w.family}`,
            multipleDisadvantage: w.md,
            referredAt: iso(w.referred),
            daysWaiting: Math.max(0, Math.floor((now - new Date(w.referred).getTime()) / DAY_MS)),
          })),
        };
      });
    },

    /** Every programme of the service with its settings (defaults where none are saved). */
    async listSettings(ctx: RequestContext) {
      authorize(ctx, casePolicy, 'edit-settings');
      return db.inScope(scope(ctx), async (tx) => {
        const programmes = await tx.selectFrom('programme').select(['id', 'name', 'slug', 'isDefault']).where('organisationId', '=', ctx.organisationId).orderBy('isDefault', 'desc').orderBy('name').execute();
        const out = [];
        for (const p of programmes) out.push({ ...p, settings: await programmeSettings(tx, ctx.organisationId, p.id) });
        return out;
      });
    },

    /** Saves a programme's settings; the change is audited with the old and new values (numbers only). */
    async saveSettings(ctx: RequestContext, programmeId: string, input: Record<string, unknown>): Promise<ProgrammeSettings> {
      authorize(ctx, casePolicy, 'edit-settings');
      const valid = validateSettings(input);
      if (!UUID.test(programmeId)) throw new NotFound('There is no such programme');
      return db.inScope(scope(ctx), async (tx) => {
        const programme = await tx.selectFrom('programme').select('id').where('organisationId', '=', ctx.organisationId).where('id', '=', programmeId).executeTakeFirst();
        if (!programme) throw new NotFound('There is no such programme');
        const before = await programmeSettings(tx, ctx.organisationId, programmeId);
        const values = { ...valid, updatedBy: ctx.actor.userId, updatedAt: clock() };
        await tx
          .insertInto('programmeSetting')
          .values({ organisationId: ctx.organisationId, programmeId, ...values })
          .onConflict((oc) => oc.columns(['organisationId', 'programmeId']).doUpdateSet(values))
          .execute();
        const detail: Record<string, number | boolean | null> = {};
        for (const key of Object.keys(valid) as (keyof ProgrammeSettings)[]) {
          if (before[key] !== valid[key]) {
            detail[`${key}From`] = before[key];
            detail[`${key}To`] = valid[key];
          }
        }
        await recordAudit(tx, ctx, { action: 'programme.settings-changed', subjectType: 'programme', subjectId: programmeId, detail });
        return valid;
      });
    },

    /** A link worker's own capacity in weighted units (part-time, new in post); empty clears it to the default. */
    async setCapacity(ctx: RequestContext, userId: string, raw: unknown): Promise<void> {
      authorize(ctx, casePolicy, 'manage-team');
      const value = text(String(raw ?? ''));
      const capacity = value === '' ? null : Number(value);
      if (capacity !== null && (!Number.isFinite(capacity) || capacity < 0 || capacity > 500 || Math.round(capacity * 2) !== capacity * 2)) {
        throw ValidationFailed.field('capacity', 'Capacity must be a number of weighted units from 0 to 500, in halves');
      }
      if (!UUID.test(userId)) throw new NotFound('There is no such link worker');
      await db.inScope(scope(ctx), async (tx) => {
        const member = await tx.selectFrom('membership').select('role').where('organisationId', '=', ctx.organisationId).where('userId', '=', userId).where('active', '=', true).executeTakeFirst();
        if (!member || (member.role !== 'link-worker' && member.role !== 'team-lead')) throw new NotFound('There is no such link worker');
        if (capacity === null) {
          await tx.deleteFrom('linkWorkerCapacity').where('organisationId', '=', ctx.organisationId).where('userId', '=', userId).execute();
        } else {
          const values = { capacity, updatedBy: ctx.actor.userId, updatedAt: clock() };
          await tx
            .insertInto('linkWorkerCapacity')
            .values({ organisationId: ctx.organisationId, userId, ...values })
            .onConflict((oc) => oc.columns(['organisationId', 'userId']).doUpdateSet(values))
            .execute();
        }
        await recordAudit(tx, ctx, { action: 'case.capacity-changed', subjectType: 'user', subjectId: userId, detail: { capacity } });
      });
    },

    /**
     * For other features (offers, directory suggestions): the person's postcode and coded needs for a
     * case, inside the caller's own transaction. No audit of its own: the caller's page already
     * loaded the case header, which audits the read.
     */
    searchContext: caseSearchContext,
  };
  return service;
}

/** The postcode (null with no fixed address) and coded needs a directory search for this person starts from. */
export async function caseSearchContext(tx: Tx, organisationId: string, caseId: string): Promise<{ postcode: string | null; noFixedAbode: boolean; needs: string[] } | null> {
  if (!UUID.test(caseId)) return null;
  const row = await tx
    .selectFrom('supportCase as c')
    .innerJoin('person as p', (join) => join.onRef('p.organisationId', '=', 'c.organisationId').onRef('p.id', '=', 'c.personId'))
    .select(['p.postcode', 'p.noFixedAbode'])
    .where('c.organisationId', '=', organisationId)
    .where('c.id', '=', caseId)
    .executeTakeFirst();
  if (!row) return null;
  return { postcode: row.postcode, noFixedAbode: row.noFixedAbode, needs: await caseNeeds(tx, organisationId, caseId) };
}

export type CaseService = ReturnType<typeof createCaseService>;
