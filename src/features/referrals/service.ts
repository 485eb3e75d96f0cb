import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { auditRow, recordAudit } from '../../platform/audit/audit.js';
import { authorize, can } from '../../platform/auth/policy.js';
import type { RequestContext } from '../../platform/context.js';
import { setScope, type Database, type DbScope, type Tx } from '../../platform/db/database.js';
import type { OrganisationType, ReferralStatus } from '../../platform/db/schema.js';
import { Conflict, FieldErrors, Forbidden, NotFound, ValidationFailed, type FieldError } from '../../platform/errors.js';
import { decodeCursor, encodeCursor, pageLimit } from '../../platform/pagination.js';
import { text } from '../../platform/validation.js';
import { allocateWithinCapacity } from '../cases/capacity.js';
import { closureNeedsTeamLead, londonDay, mdFromIndicators } from '../cases/rules.js';
import { personOutboxRow, queueForPerson, queueForReferrer, referrerOutboxRow } from '../notifications/outbox.js';
import { referralPolicy } from './policy.js';
import {
  ACTION_DONE,
  actionAllowed,
  snomedFor,
  CLOSE_REASONS,
  DECLINE_REASONS,
  neutralClosure,
  neutralStatus,
  nextStatus,
  referenceFrom,
  validateReferral,
  type CloseReason,
  type NeutralStatus,
  type ReferralAction,
  type ReferralInput,
  type ValidReferral,
} from './rules.js';

export interface ReferralRequest extends ReferralInput {
  toOrganisation?: unknown;
  programme?: unknown;
}

/** The referrer's view: exactly this, never needs, notes, case details or outcomes. */
export interface ReferralReceiptView {
  id: string;
  reference: string;
  status: NeutralStatus;
  statusDate: string;
  closedReason: string | null;
  personName: string;
  urgency: string;
  sentAt: string;
  receivingOrganisation: { slug: string; name: string };
}

export interface ReferralSummary {
  id: string;
  reference: string;
  status: ReferralStatus;
  urgency: string;
  personName: string;
  source: string;
  createdAt: string;
  statusChangedAt: string;
  caseId: string | null;
  possibleDuplicates: number;
}

export interface ReferralView {
  id: string;
  reference: string;
  status: ReferralStatus;
  statusChangedAt: string;
  urgency: string;
  reason: string;
  needs: string[];
  multipleDisadvantage: string[];
  riskNotes: string | null;
  consent: { by: string; method: string; at: string };
  source: { type: 'professional' | 'self'; organisation: { slug: string; name: string } | null; referrerName: string | null };
  programme: { slug: string; name: string };
  person: {
    id: string;
    givenName: string;
    familyName: string;
    preferredName: string | null;
    dateOfBirth: string;
    nhsNumber: string | null;
    postcode: string | null;
    noFixedAbode: boolean;
    phone: string | null;
    email: string | null;
    safeToLeaveMessage: boolean;
    preferredContact: string;
    contactNotes: string | null;
    interpreterLanguage: string | null;
    accessibilityNeeds: string | null;
  };
  caseId: string | null;
  linkWorker: { id: string; name: string } | null;
  closedReason: string | null;
  duplicateDecision: string | null;
  possibleDuplicates: { id: string; reference: string; status: ReferralStatus; match: 'nhs-number' | 'name-and-date-of-birth'; createdAt: string }[];
  history: { action: string; from: string | null; to: string; reason: string | null; snomedCode: string | null; by: string; at: string }[];
  createdAt: string;
}

export interface ActionInput {
  reason?: unknown;
  linkWorker?: unknown;
  toOrganisation?: unknown;
  /** Allocating past the link worker's weighted capacity needs the team lead's reason (audited). */
  overrideReason?: unknown;
}

export interface ListFilters {
  status?: unknown;
  urgency?: unknown;
  from?: unknown;
  to?: unknown;
  source?: unknown;
  cursor?: unknown;
  limit?: unknown;
}

const iso = (value: Date | string) => new Date(value).toISOString();

const AUDIT_ACTIONS: Record<ReferralAction, string> = {
  accept: 'referral.accepted',
  allocate: 'referral.allocated',
  decline: 'referral.declined',
  redirect: 'referral.redirected',
  'record-first-contact': 'referral.first-contact',
  'record-engaged': 'referral.engaged',
  pause: 'referral.paused',
  resume: 'referral.resumed',
  close: 'referral.closed',
  reopen: 'referral.reopened',
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Stable JSON so the same body always hashes the same, whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function dateFilter(errors: FieldErrors, field: string, raw: unknown): Date | null {
  const value = text(raw);
  if (value === '') return null;
  const date = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(date.getTime())) {
    errors.add(field, 'Enter a date in the format YYYY-MM-DD');
    return null;
  }
  return date;
}

interface Target {
  organisation: { id: string; slug: string; name: string; type: OrganisationType; createdAt: Date };
  programme: { organisationId: string; id: string; slug: string; name: string };
}

export function createReferralService(db: Database, clock: () => Date = () => new Date()) {
  /**
   * Everything an intake needs to look up, in one round trip: the service and programme, which of
   * the requested need codes are active, and the referrer's email for their notification. Inside a
   * transaction, the same statement can set the transaction's scope (`scope`), saving another round
   * trip: what it reads (organisations, programmes, need codes, users) does not depend on the scope.
   */
  async function lookupIntake(
    executor: Database['kysely'] | Tx,
    raw: { toOrganisation?: unknown; programme?: unknown; needs?: unknown },
    actorUserId: string | null,
    scope?: DbScope,
  ) {
    const slug = text(raw.toOrganisation).toLowerCase();
    const programmeSlug = text(raw.programme).toLowerCase();
    const requested = Array.isArray(raw.needs) ? raw.needs.filter((n): n is string => typeof n === 'string') : typeof raw.needs === 'string' ? [raw.needs] : [];
    const scopeColumns = scope
      ? sql`, set_config('app.organisation_id', ${scope.organisationId ?? ''}, true) AS scope_organisation, set_config('app.user_id', ${scope.userId ?? ''}, true) AS scope_user`
      : sql``;
    const { rows } = await sql<{
      id: string | null; slug: string | null; name: string | null; type: string | null; createdAt: Date | null;
      programmeId: string | null; programmeSlug: string | null; programmeName: string | null; known: string[]; email: string | null;
    }>`
      SELECT o.id, o.slug, o.name, o.type, o.created_at, g.id AS programme_id, g.slug AS programme_slug, g.name AS programme_name,
             ARRAY(SELECT code FROM need_code WHERE active AND code = ANY(${requested}::text[])) AS known,
             (SELECT email FROM app_user WHERE id = ${actorUserId}::uuid) AS email${scopeColumns}
      FROM (SELECT 1) AS one
      LEFT JOIN organisation o ON o.slug = ${slug} AND o.type = 'sp-service'
      LEFT JOIN programme g ON g.organisation_id = o.id AND (CASE WHEN ${programmeSlug} = '' THEN g.is_default ELSE g.slug = ${programmeSlug} END)`.execute(executor);
    const row = rows[0]!;
    const errors: FieldError[] = [];
    if (slug === '') errors.push({ field: 'toOrganisation', message: 'Choose the social prescribing service to refer to' });
    else if (!row.id) errors.push({ field: 'toOrganisation', message: `There is no social prescribing service with the short name "${slug}"` });
    else if (!row.programmeId) errors.push({ field: 'programme', message: `${row.name} has no programme called "${programmeSlug}"` });
    const target = row.id && row.programmeId
      ? {
          organisation: { id: row.id, slug: row.slug!, name: row.name!, type: row.type as OrganisationType, createdAt: row.createdAt! },
          programme: { organisationId: row.id, id: row.programmeId, slug: row.programmeSlug!, name: row.programmeName! },
        }
      : null;
    return { target, targetErrors: errors, knownNeeds: new Set(row.known), actorEmail: row.email };
  }

  /** Every problem with the target and the referral itself, reported together. */
  function checkIntake(input: ReferralRequest, looked: Awaited<ReturnType<typeof lookupIntake>>): { target: Target; referral: ValidReferral } {
    const errors = [...looked.targetErrors];
    let referral: ValidReferral | undefined;
    try {
      referral = validateReferral(input, looked.knownNeeds, clock());
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      errors.push(...error.errors);
    }
    if (errors.length || !looked.target || !referral) throw new ValidationFailed(errors);
    return { target: looked.target, referral };
  }

  /** The social prescribing service (and programme) a referral goes to. */
  async function resolveTarget(rawOrganisation: unknown, rawProgramme: unknown): Promise<Target> {
    const { target, targetErrors } = await lookupIntake(db.kysely, { toOrganisation: rawOrganisation, programme: rawProgramme }, null);
    if (!target) throw new ValidationFailed(targetErrors);
    return target;
  }

  /** The referring organisation's receipts, with the receiving service's name. */
  function receipts(tx: Tx, organisationId: string) {
    return tx
      .selectFrom('referralReceipt as r')
      .innerJoin('organisation as o', 'o.id', 'r.receivingOrganisationId')
      .select(['r.referralId', 'r.reference', 'r.status', 'r.statusChangedAt', 'r.closedReason', 'r.personLabel', 'r.urgency', 'r.createdAt', 'o.slug', 'o.name'])
      .where('r.organisationId', '=', organisationId);
  }

  type ReceiptRow = Awaited<ReturnType<ReturnType<typeof receipts>['executeTakeFirstOrThrow']>>;

  function toReceiptView(row: ReceiptRow): ReferralReceiptView {
    return {
      id: row.referralId,
      reference: row.reference,
      status: row.status,
      statusDate: iso(row.statusChangedAt),
      closedReason: row.closedReason,
      personName: row.personLabel,
      urgency: row.urgency,
      sentAt: iso(row.createdAt),
      receivingOrganisation: { slug: row.slug, name: row.name },
    };
  }

  async function receiptView(tx: Tx, organisationId: string, referralId: string): Promise<ReferralReceiptView | null> {
    const row = await receipts(tx, organisationId).where('r.referralId', '=', referralId).executeTakeFirst();
    return row ? toReceiptView(row) : null;
  }

  interface Intake {
    requestId: string | null;
    actor: RequestContext['actor'];
    source: { organisationId: string; userId: string | null } | null;
    target: Target;
    referral: ValidReferral;
    consentMethod?: 'online';
  }

  /**
   * Writes a referral for the receiving service, inside a transaction already scoped to it: the
   * person, the referral, its first history entry, the messages it sends and its audit event, in one
   * statement (each write is a round trip, and intake is the busiest write there is). The person is
   * reused when the NHS number is already known to this service, with their contact details brought
   * up to date; names and date of birth stay as the service recorded them.
   */
  async function writeReferral(tx: Tx, intake: Intake, id: string, reference: string, referrerEmail: string | null = null): Promise<void> {
    const { target, referral } = intake;
    const { person } = referral;
    const organisationId = target.organisation.id;
    const now = clock();
    const messages = [
      personOutboxRow(organisationId, person, 'person-referral-received'),
      referrerEmail ? referrerOutboxRow(organisationId, referrerEmail, 'referral-received', { reference, service: target.organisation.name }) : null,
    ].filter((message) => message !== null);
    const writes = tx
      .with('personRow', (q) =>
        q
          .insertInto('person')
          .values({ organisationId, id: randomUUID(), ...person, updatedAt: now })
          .onConflict((oc) =>
            oc
              .columns(['organisationId', 'nhsNumber'])
              .where('nhsNumber', 'is not', null)
              .doUpdateSet({
                postcode: person.postcode,
                noFixedAbode: person.noFixedAbode,
                phone: person.phone,
                email: person.email,
                safeToLeaveMessage: person.safeToLeaveMessage,
                preferredContact: person.preferredContact,
                contactNotes: person.contactNotes,
                updatedAt: now,
              }),
          )
          .returning('id'),
      )
      .with('referralRow', (q) =>
        q
          .insertInto('referral')
          .values({
            organisationId,
            id,
            reference,
            programmeId: target.programme.id,
            personId: q.selectFrom('personRow').select('personRow.id'),
            sourceType: intake.source ? 'professional' : 'self',
            sourceOrganisationId: intake.source?.organisationId ?? null,
            sourceUserId: intake.source?.userId ?? null,
            reason: referral.reason,
            urgency: referral.urgency,
            needs: referral.needs,
            multipleDisadvantage: referral.multipleDisadvantage,
            riskNotes: referral.riskNotes,
            consentGiven: true,
            consentBy: referral.consent.by,
            consentMethod: intake.consentMethod ?? referral.consent.method,
            consentAt: now,
            status: 'received',
            statusBeforePause: null,
            statusChangedAt: now,
            closedReason: null,
            caseId: null,
            duplicateOf: null,
            duplicateDecision: null,
            redirectedTo: null,
          })
          .returning('id'),
      )
      .with('eventRow', (q) =>
        q
          .insertInto('referralEvent')
          .values({ organisationId, referralId: id, action: 'receive', fromStatus: null, toStatus: 'received', reason: null, snomedCode: null, actorUserId: intake.actor.userId, actorLabel: intake.actor.label })
          .returning('referralId'),
      );
    const audit = auditRow({ requestId: intake.requestId, actor: intake.actor, organisationId }, {
      action: 'referral.received',
      subjectType: 'referral',
      subjectId: id,
      detail: { source: intake.source ? 'professional' : 'self', urgency: referral.urgency },
    });
    if (messages.length > 0) {
      await writes.with('messageRows', (q) => q.insertInto('outboxMessage').values(messages).returning('id')).insertInto('auditEvent').values(audit).execute();
    } else {
      await writes.insertInto('auditEvent').values(audit).execute();
    }
  }

  /**
   * The referrer's receipt and audit event (and the Idempotency-Key, when one was sent), in one
   * statement, inside a transaction scoped to the referring organisation.
   */
  async function writeReceipt(tx: Tx, intake: Intake, id: string, reference: string, at: Date, idempotency: { key: string; requestHash: string } | null): Promise<void> {
    const source = intake.source!;
    const { person } = intake.referral;
    const writes = tx.with('receiptRow', (q) =>
      q
        .insertInto('referralReceipt')
        .values({
          organisationId: source.organisationId,
          referralId: id,
          receivingOrganisationId: intake.target.organisation.id,
          reference,
          personLabel: `${person.givenName} ${person.familyName}`,
          referrerUserId: source.userId,
          status: 'received',
          statusChangedAt: at,
          createdAt: at,
          closedReason: null,
          urgency: intake.referral.urgency,
        })
        .returning('referralId'),
    );
    const audit = auditRow({ requestId: intake.requestId, actor: intake.actor, organisationId: source.organisationId }, {
      action: 'referral.sent',
      subjectType: 'referral',
      subjectId: id,
      detail: { to: intake.target.organisation.slug },
    });
    if (idempotency) {
      await writes
        .with('keyRow', (q) =>
          q
            .insertInto('idempotencyKey')
            .values({ organisationId: source.organisationId, key: idempotency.key, requestHash: idempotency.requestHash, receivingOrganisationId: intake.target.organisation.id, referralId: id })
            .returning('key'),
        )
        .insertInto('auditEvent')
        .values(audit)
        .execute();
    } else {
      await writes.insertInto('auditEvent').values(audit).execute();
    }
  }

  async function notifyReferrer(tx: Tx, referral: { organisationId: string; sourceUserId: string | null; reference: string }, template: 'referral-received' | 'referral-accepted' | 'referral-closed', closure?: string) {
    if (!referral.sourceUserId) return;
    const [referrer, service] = await Promise.all([
      tx.selectFrom('appUser').select('email').where('id', '=', referral.sourceUserId).executeTakeFirst(),
      tx.selectFrom('organisation').select('name').where('id', '=', referral.organisationId).executeTakeFirstOrThrow(),
    ]);
    if (referrer) await queueForReferrer(tx, referral.organisationId, referrer.email, template, { reference: referral.reference, service: service.name, closure });
  }

  async function loadForUpdate(tx: Tx, ctx: RequestContext, id: string) {
    if (!UUID.test(id)) throw new NotFound('There is no such referral');
    const referral = await tx
      .selectFrom('referral')
      .selectAll()
      .where('organisationId', '=', ctx.organisationId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!referral) throw new NotFound('There is no such referral');
    return referral;
  }

  async function possibleDuplicates(tx: Tx, referral: { organisationId: string; id: string; personId: string }) {
    // Single-word aliases: the camel-case plugin rewrites result keys, even of raw SQL.
    const rows = await sql<{ id: string; reference: string; status: ReferralStatus; created: Date; same: boolean }>`
      SELECT r.id, r.reference, r.status, r.created_at AS created, r.person_id = ${referral.personId} AS same
      FROM referral r
      JOIN person p ON p.organisation_id = r.organisation_id AND p.id = r.person_id
      JOIN person me ON me.organisation_id = ${referral.organisationId} AND me.id = ${referral.personId}
      WHERE r.organisation_id = ${referral.organisationId}
        AND r.id <> ${referral.id}
        AND r.status <> 'closed'
        AND (r.person_id = me.id
             OR (lower(p.family_name) = lower(me.family_name) AND lower(p.given_name) = lower(me.given_name)
                 AND p.date_of_birth = me.date_of_birth))
      ORDER BY r.created_at`.execute(tx);
    return rows.rows.map((row) => ({
      id: row.id,
      reference: row.reference,
      status: row.status,
      match: row.same ? ('nhs-number' as const) : ('name-and-date-of-birth' as const),
      createdAt: iso(row.created),
    }));
  }

  async function fullView(tx: Tx, ctx: RequestContext, id: string): Promise<ReferralView | null> {
    if (!UUID.test(id)) return null;
    const row = await tx
      .selectFrom('referral as r')
      .innerJoin('person as p', (join) => join.onRef('p.organisationId', '=', 'r.organisationId').onRef('p.id', '=', 'r.personId'))
      .innerJoin('programme as g', (join) => join.onRef('g.organisationId', '=', 'r.organisationId').onRef('g.id', '=', 'r.programmeId'))
      .leftJoin('organisation as so', 'so.id', 'r.sourceOrganisationId')
      .leftJoin('appUser as su', 'su.id', 'r.sourceUserId')
      .leftJoin('supportCase as c', (join) => join.onRef('c.organisationId', '=', 'r.organisationId').onRef('c.id', '=', 'r.caseId'))
      .leftJoin('appUser as lw', 'lw.id', 'c.linkWorkerUserId')
      .selectAll('r')
      .select([
        'p.id as pId', 'p.givenName', 'p.familyName', 'p.preferredName', 'p.dateOfBirth', 'p.nhsNumber', 'p.postcode', 'p.noFixedAbode',
        'p.phone', 'p.email', 'p.safeToLeaveMessage', 'p.preferredContact', 'p.contactNotes', 'p.interpreterLanguage', 'p.accessibilityNeeds',
        'g.slug as programmeSlug', 'g.name as programmeName', 'so.slug as sourceSlug', 'so.name as sourceName', 'su.name as referrerName',
        'lw.id as linkWorkerId', 'lw.name as linkWorkerName',
      ])
      .where('r.organisationId', '=', ctx.organisationId)
      .where('r.id', '=', id)
      .executeTakeFirst();
    if (!row) return null;
    const history = await tx
      .selectFrom('referralEvent as e')
      .leftJoin('appUser as u', 'u.id', 'e.actorUserId')
      .select(['e.action', 'e.fromStatus', 'e.toStatus', 'e.reason', 'e.snomedCode', 'e.actorLabel', 'u.name', 'e.occurredAt'])
      .where('e.organisationId', '=', ctx.organisationId)
      .where('e.referralId', '=', id)
      .orderBy('e.id')
      .execute();
    const duplicates = row.duplicateDecision ? [] : await possibleDuplicates(tx, { organisationId: ctx.organisationId, id, personId: row.personId });
    return {
      id: row.id,
      reference: row.reference,
      status: row.status,
      statusChangedAt: iso(row.statusChangedAt),
      urgency: row.urgency,
      reason: row.reason,
      needs: row.needs,
      multipleDisadvantage: row.multipleDisadvantage,
      riskNotes: row.riskNotes,
      consent: { by: row.consentBy, method: row.consentMethod, at: iso(row.consentAt) },
      source: {
        type: row.sourceType,
        organisation: row.sourceSlug ? { slug: row.sourceSlug, name: row.sourceName! } : null,
        referrerName: row.referrerName,
      },
      programme: { slug: row.programmeSlug, name: row.programmeName },
      person: {
        id: row.pId,
        givenName: row.givenName,
        familyName: row.familyName,
        preferredName: row.preferredName,
        dateOfBirth: row.dateOfBirth,
        nhsNumber: row.nhsNumber,
        postcode: row.postcode,
        noFixedAbode: row.noFixedAbode,
        phone: row.phone,
        email: row.email,
        safeToLeaveMessage: row.safeToLeaveMessage,
        preferredContact: row.preferredContact,
        contactNotes: row.contactNotes,
        interpreterLanguage: row.interpreterLanguage,
        accessibilityNeeds: row.accessibilityNeeds,
      },
      caseId: row.caseId,
      linkWorker: row.linkWorkerId ? { id: row.linkWorkerId, name: row.linkWorkerName! } : null,
      closedReason: row.closedReason,
      duplicateDecision: row.duplicateDecision,
      possibleDuplicates: duplicates,
      history: history.map((e) => ({ action: e.action, from: e.fromStatus, to: e.toStatus, reason: e.reason, snomedCode: e.snomedCode, by: e.name ?? e.actorLabel, at: iso(e.occurredAt) })),
      createdAt: iso(row.createdAt),
    };
  }

  /** Finds a link worker of this service by user id or email. */
  async function resolveLinkWorker(tx: Tx, ctx: RequestContext, raw: unknown): Promise<{ id: string; name: string }> {
    const value = text(raw);
    if (value === '') throw ValidationFailed.field('linkWorker', 'Choose a link worker');
    const query = tx
      .selectFrom('membership as m')
      .innerJoin('appUser as u', 'u.id', 'm.userId')
      .select(['u.id', 'u.name', 'm.role', 'm.active', 'u.active as accountActive'])
      .where('m.organisationId', '=', ctx.organisationId);
    const found = await (UUID.test(value) ? query.where('u.id', '=', value) : query.where('u.email', '=', value.toLowerCase())).executeTakeFirst();
    if (!found || !found.active || !found.accountActive || (found.role !== 'link-worker' && found.role !== 'team-lead')) {
      throw ValidationFailed.field('linkWorker', 'Choose an active link worker in this service');
    }
    return { id: found.id, name: found.name };
  }

  function closeReason(raw: unknown, allowed: readonly CloseReason[]): CloseReason {
    const reason = text(raw);
    if (!(allowed as readonly string[]).includes(reason)) {
      throw ValidationFailed.field('reason', `Choose a reason (one of: ${allowed.join(', ')})`);
    }
    return reason as CloseReason;
  }

  function authorizeAction(ctx: RequestContext, action: ReferralAction): void {
    const triage = action === 'accept' || action === 'allocate' || action === 'decline' || action === 'redirect';
    if (triage) authorize(ctx, referralPolicy, 'triage');
    else if (!can(ctx, referralPolicy, 'progress-any')) authorize(ctx, referralPolicy, 'progress-own');
  }

  /**
   * Moves a referral on inside `tx`. An action that does not fit the current status is a Conflict
   * naming it. Each step keeps its history, mirrors the case, updates the referrer's neutral receipt,
   * and queues messages. The one place referral (and case) status changes.
   */
  async function applyAction(tx: Tx, ctx: RequestContext, id: string, action: ReferralAction, input: ActionInput, redirectTarget: Target | null): Promise<void> {
    const triage = action === 'accept' || action === 'allocate' || action === 'decline' || action === 'redirect';
    const referral = await loadForUpdate(tx, ctx, id);
    if (!actionAllowed(action, referral.status)) {
      throw new Conflict(`This referral is ${referral.status.replace('-', ' ')}, so it cannot be ${ACTION_DONE[action]} now`);
    }
    if (!triage && !can(ctx, referralPolicy, 'progress-any')) {
      const assigned = referral.caseId
        ? await tx.selectFrom('supportCase').select('linkWorkerUserId').where('organisationId', '=', ctx.organisationId).where('id', '=', referral.caseId).executeTakeFirst()
        : undefined;
      if (assigned?.linkWorkerUserId !== ctx.actor.userId) throw new Forbidden('Only the allocated link worker or a team lead can do this');
    }

    let reason: string | null = null;
    let closed: CloseReason | null = null;
    const patch: Partial<{ caseId: string; statusBeforePause: ReferralStatus | null; closedReason: string | null; redirectedTo: string }> = {};
    const now = clock();
    let reopenTo: ReferralStatus | null = null;

    switch (action) {
      case 'accept': {
        const caseId = randomUUID();
        await tx
          .insertInto('supportCase')
          .values({
            organisationId: ctx.organisationId,
            id: caseId,
            programmeId: referral.programmeId,
            personId: referral.personId,
            referralId: referral.id,
            status: 'open',
            linkWorkerUserId: null,
            multipleDisadvantage: mdFromIndicators(referral.multipleDisadvantage),
            closedAt: null,
            closedReason: null,
          })
          .execute();
        // The referral's needs start the person's "what matters" list; the conversation adds to it.
        if (referral.needs.length) {
          await tx
            .insertInto('caseNeed')
            .values(referral.needs.map((needCode) => ({ organisationId: ctx.organisationId, caseId, needCode, source: 'referral' as const })))
            .execute();
        }
        patch.caseId = caseId;
        break;
      }
      case 'allocate': {
        const worker = await resolveLinkWorker(tx, ctx, input.linkWorker);
        const supportCase = await tx
          .selectFrom('supportCase')
          .select(['id', 'programmeId', 'multipleDisadvantage', 'linkWorkerUserId'])
          .where('organisationId', '=', ctx.organisationId)
          .where('id', '=', referral.caseId!)
          .executeTakeFirstOrThrow();
        await allocateWithinCapacity(
          tx,
          ctx,
          { caseId: supportCase.id, programmeId: supportCase.programmeId, multipleDisadvantage: supportCase.multipleDisadvantage, currentLinkWorker: supportCase.linkWorkerUserId },
          worker,
          input.overrideReason,
          now,
        );
        reason = `Allocated to ${worker.name}`;
        break;
      }
      case 'reopen': {
        if (!referral.caseId) throw new Conflict('This referral closed before a case was opened, so there is no case to reopen');
        // Carries on from where it closed (or, if it closed while paused, from before the pause).
        const closing = await tx
          .selectFrom('referralEvent')
          .select('fromStatus')
          .where('organisationId', '=', ctx.organisationId)
          .where('referralId', '=', referral.id)
          .where('toStatus', '=', 'closed')
          .orderBy('id', 'desc')
          .executeTakeFirst();
        const from = closing?.fromStatus === 'paused' ? referral.statusBeforePause : closing?.fromStatus;
        reopenTo = from && from !== 'closed' && from !== 'received' && from !== 'paused' ? from : 'accepted';
        patch.statusBeforePause = null;
        patch.closedReason = null;
        reason = text(input.reason) || null;
        await tx
          .updateTable('supportCase')
          .set({ status: 'open', closedAt: null, closedReason: null, reviewDate: null })
          .where('organisationId', '=', ctx.organisationId)
          .where('id', '=', referral.caseId)
          .execute();
        break;
      }
      case 'decline':
        closed = closeReason(input.reason, DECLINE_REASONS);
        break;
      case 'close': {
        closed = closeReason(input.reason, CLOSE_REASONS.filter((r) => r !== 'redirected'));
        const supportCase = referral.caseId
          ? await tx.selectFrom('supportCase').select('multipleDisadvantage').where('organisationId', '=', ctx.organisationId).where('id', '=', referral.caseId).executeTakeFirst()
          : undefined;
        if (closed === 'unable-to-contact' && closureNeedsTeamLead(supportCase?.multipleDisadvantage ?? false, closed) && !can(ctx, referralPolicy, 'progress-any')) {
          throw new Forbidden(
            'Someone facing multiple disadvantage is never closed because they could not be reached without a conversation with the team lead: talk it through with them, and they can close it if that is right',
          );
        }
        break;
      }
      case 'redirect': {
        const target = redirectTarget!;
        if (target.organisation.id === ctx.organisationId) throw ValidationFailed.field('toOrganisation', 'Choose a different service from this one');
        closed = 'redirected';
        const person = await tx.selectFrom('person').selectAll().where('organisationId', '=', ctx.organisationId).where('id', '=', referral.personId).executeTakeFirstOrThrow();
        const newId = randomUUID();
        const { organisationId: _o, id: _i, createdAt: _c, updatedAt: _u, ...personData } = person;
        const carried: ValidReferral = {
          person: personData,
          reason: referral.reason,
          needs: referral.needs,
          multipleDisadvantage: referral.multipleDisadvantage as ValidReferral['multipleDisadvantage'],
          riskNotes: referral.riskNotes,
          consent: { by: referral.consentBy, method: referral.consentMethod === 'online' ? 'written' : referral.consentMethod },
          urgency: referral.urgency,
        };
        const source = referral.sourceOrganisationId ? { organisationId: referral.sourceOrganisationId, userId: referral.sourceUserId } : null;
        const intake: Intake = { requestId: ctx.requestId, actor: ctx.actor, source, target, referral: carried };
        const reference = referenceFrom(randomBytes(8));
        await setScope(tx, { organisationId: target.organisation.id, userId: ctx.actor.userId });
        await writeReferral(tx, intake, newId, reference);
        if (source) {
          // The referrer's receipt for the new referral; the receiving service may write it.
          await tx
            .insertInto('referralReceipt')
            .values({
              organisationId: source.organisationId,
              referralId: newId,
              receivingOrganisationId: target.organisation.id,
              reference,
              personLabel: `${person.givenName} ${person.familyName}`,
              referrerUserId: source.userId,
              status: 'received',
              statusChangedAt: now,
              closedReason: null,
              urgency: referral.urgency,
            })
            .execute();
        }
        await setScope(tx, { organisationId: ctx.organisationId, userId: ctx.actor.userId });
        patch.redirectedTo = newId;
        reason = `Passed to ${target.organisation.name}`;
        break;
      }
      case 'pause':
        patch.statusBeforePause = referral.status;
        reason = text(input.reason) || null;
        break;
      case 'resume':
        patch.statusBeforePause = null;
        break;
      case 'record-first-contact':
        if (referral.caseId) {
          await tx
            .updateTable('supportCase')
            .set((eb) => ({ firstContactOn: eb.fn.coalesce('firstContactOn', eb.val(londonDay(now))) }))
            .where('organisationId', '=', ctx.organisationId)
            .where('id', '=', referral.caseId)
            .execute();
        }
        break;
      case 'record-engaged':
        break;
    }

    const to = nextStatus(action, referral.status, action === 'reopen' ? reopenTo : referral.statusBeforePause);
    if (closed) {
      patch.closedReason = closed;
      reason = reason ?? closed;
      if (referral.caseId) {
        await tx
          .updateTable('supportCase')
          .set({ status: 'closed', closedAt: now, closedReason: closed })
          .where('organisationId', '=', ctx.organisationId)
          .where('id', '=', referral.caseId)
          .execute();
      }
    } else if (action === 'pause' && referral.caseId) {
      await tx.updateTable('supportCase').set({ status: 'paused' }).where('organisationId', '=', ctx.organisationId).where('id', '=', referral.caseId).execute();
    } else if (action === 'resume' && referral.caseId) {
      await tx.updateTable('supportCase').set({ status: 'open' }).where('organisationId', '=', ctx.organisationId).where('id', '=', referral.caseId).execute();
    }

    await tx
      .updateTable('referral')
      .set({ ...patch, status: to, statusChangedAt: now })
      .where('organisationId', '=', ctx.organisationId)
      .where('id', '=', referral.id)
      .execute();
    await tx
      .insertInto('referralEvent')
      .values({
        organisationId: ctx.organisationId,
        referralId: referral.id,
        action,
        fromStatus: referral.status,
        toStatus: to,
        reason,
        snomedCode: snomedFor(action, closed),
        actorUserId: ctx.actor.userId,
        actorLabel: ctx.actor.label,
      })
      .execute();

    const before = neutralStatus(referral.status);
    const after = neutralStatus(to);
    if (before !== after) {
      await tx
        .updateTable('referralReceipt')
        .set({ status: after, statusChangedAt: now, closedReason: closed ? neutralClosure(closed) : null })
        .where('receivingOrganisationId', '=', ctx.organisationId)
        .where('referralId', '=', referral.id)
        .execute();
    }
    if (action === 'accept') {
      await notifyReferrer(tx, referral, 'referral-accepted');
      const person = await tx.selectFrom('person').selectAll().where('organisationId', '=', ctx.organisationId).where('id', '=', referral.personId).executeTakeFirstOrThrow();
      await queueForPerson(tx, ctx.organisationId, person, 'person-referral-accepted');
    }
    if (closed) await notifyReferrer(tx, referral, 'referral-closed', neutralClosure(closed));

    await recordAudit(tx, ctx, {
      action: AUDIT_ACTIONS[action],
      subjectType: 'referral',
      subjectId: referral.id,
      detail: { from: referral.status, to, ...(closed ? { reason: closed } : {}) },
    });
  }

  const service = {
    listNeeds() {
      return db.kysely.selectFrom('needCode').select(['code', 'label', 'parentCode']).where('active', '=', true).orderBy('sortOrder').orderBy('code').execute();
    },

    /** Social prescribing services that take referrals, for the referral form's choice. */
    listServices() {
      return db.kysely
        .selectFrom('organisation as o')
        .innerJoin('programme as g', (join) => join.onRef('g.organisationId', '=', 'o.id').on('g.isDefault', '=', true))
        .select(['o.slug', 'o.name'])
        .where('o.type', '=', 'sp-service')
        .orderBy('o.name')
        .execute();
    },

    /**
     * A referral from a signed-in professional (form or API). Validates everything first; then one
     * transaction writes the referrer's receipt (in the referrer's organisation) and the referral,
     * person, history, messages and audit (in the receiving service's). Round trips are what an
     * intake costs (docs/benchmarks.md), so the lookup sets the referrer's scope as it reads, and
     * each organisation's writes are one statement.
     */
    async refer(ctx: RequestContext, input: ReferralRequest, options: { idempotencyKey?: string } = {}): Promise<{ receipt: ReferralReceiptView; replayed: boolean }> {
      authorize(ctx, referralPolicy, 'create');
      const key = options.idempotencyKey?.trim();
      const requestHash = createHash('sha256').update(canonical(input)).digest('hex');
      const mine = { organisationId: ctx.organisationId, userId: ctx.actor.userId };
      const run = () =>
        db.kysely.transaction().execute(async (tx) => {
          const looked = await lookupIntake(tx, input, ctx.actor.userId, mine);
          const { target, referral } = checkIntake(input, looked);
          if (key !== undefined && (key.length === 0 || key.length > 200)) throw ValidationFailed.field('Idempotency-Key', 'Idempotency-Key must be 1 to 200 characters');
          if (key) {
            const earlier = await tx.selectFrom('idempotencyKey').selectAll().where('organisationId', '=', ctx.organisationId).where('key', '=', key).executeTakeFirst();
            if (earlier) {
              if (earlier.requestHash !== requestHash) throw new Conflict('This Idempotency-Key was already used for a different referral');
              return { receipt: (await receiptView(tx, ctx.organisationId, earlier.referralId))!, replayed: true };
            }
          }
          const intake: Intake = { requestId: ctx.requestId, actor: ctx.actor, source: mine, target, referral };
          const id = randomUUID();
          const reference = referenceFrom(randomBytes(8));
          const at = clock();
          await writeReceipt(tx, intake, id, reference, at, key ? { key, requestHash } : null);
          await setScope(tx, { organisationId: target.organisation.id, userId: ctx.actor.userId });
          await writeReferral(tx, intake, id, reference, looked.actorEmail);
          const receipt: ReferralReceiptView = {
            id,
            reference,
            status: 'received',
            statusDate: iso(at),
            closedReason: null,
            personName: `${referral.person.givenName} ${referral.person.familyName}`,
            urgency: referral.urgency,
            sentAt: iso(at),
            receivingOrganisation: { slug: target.organisation.slug, name: target.organisation.name },
          };
          return { receipt, replayed: false };
        });
      try {
        return await run();
      } catch (error) {
        // Two retries racing with one key: the loser's insert fails on the key; answer as a replay.
        if (key && (error as { code?: string }).code === '23505') return run();
        throw error;
      }
    },

    /**
     * A person referring themselves, with no account. The answer never depends on whether the
     * person is already known, so the form cannot be used to find out who uses the service.
     */
    async selfRefer(requestId: string | null, input: ReferralRequest): Promise<{ serviceName: string }> {
      const { target, referral } = checkIntake(input, await lookupIntake(db.kysely, input, null));
      const actor = { userId: null, label: 'self-referral', platformAdmin: false };
      await db.inScope({ organisationId: target.organisation.id, userId: null }, (tx) =>
        writeReferral(tx, { requestId, actor, source: null, target, referral, consentMethod: 'online' }, randomUUID(), referenceFrom(randomBytes(8))),
      );
      return { serviceName: target.organisation.name };
    },

    /** Full record for the receiving service (audited as a view of the person), else the referrer's receipt. */
    async get(ctx: RequestContext, id: string): Promise<{ kind: 'full'; referral: ReferralView } | { kind: 'receipt'; referral: ReferralReceiptView }> {
      // A role that can see neither a service's referrals nor its own sent ones (a commissioner) is refused outright.
      if (!can(ctx, referralPolicy, 'list-sent')) authorize(ctx, referralPolicy, 'view-service');
      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        if (can(ctx, referralPolicy, 'view-service')) {
          const full = await fullView(tx, ctx, id);
          if (full) {
            await recordAudit(tx, ctx, { action: 'referral.viewed', subjectType: 'referral', subjectId: id, detail: { person: full.person.id } });
            return { kind: 'full' as const, referral: full };
          }
        }
        if (can(ctx, referralPolicy, 'list-sent') && UUID.test(id)) {
          const receipt = await receiptView(tx, ctx.organisationId, id);
          if (receipt) return { kind: 'receipt' as const, referral: receipt };
        }
        throw new NotFound('There is no such referral');
      });
    },

    /** The referring organisation's referrals, newest first, as neutral receipts. */
    async listSent(ctx: RequestContext, filters: ListFilters): Promise<{ items: ReferralReceiptView[]; nextCursor: string | null }> {
      authorize(ctx, referralPolicy, 'list-sent');
      const errors = new FieldErrors();
      const from = dateFilter(errors, 'from', filters.from);
      const to = dateFilter(errors, 'to', filters.to);
      const status = text(filters.status);
      if (status && !['received', 'in-progress', 'closed'].includes(status)) errors.add('status', 'Status is received, in-progress or closed');
      errors.throwIfAny();
      const cursor = decodeCursor(filters.cursor);
      const limit = pageLimit(filters.limit);
      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        let query = receipts(tx, ctx.organisationId);
        if (status) query = query.where('r.status', '=', status as NeutralStatus);
        if (from) query = query.where('r.createdAt', '>=', from);
        if (to) query = query.where('r.createdAt', '<', new Date(to.getTime() + 86_400_000));
        if (cursor) {
          query = query.where((eb) =>
            eb.or([eb('r.createdAt', '<', new Date(cursor.at)), eb.and([eb('r.createdAt', '=', new Date(cursor.at)), eb('r.referralId', '<', cursor.id)])]),
          );
        }
        const rows = await query.orderBy('r.createdAt', 'desc').orderBy('r.referralId', 'desc').limit(limit + 1).execute();
        const items = rows.slice(0, limit).map(toReceiptView);
        const last = rows.length > limit ? rows[limit - 1]! : null;
        return { items, nextCursor: last ? encodeCursor(last.createdAt, last.referralId) : null };
      });
    },

    /** The service's referrals: newest first, or the triage queue (received: urgent first, then oldest). */
    async listForService(ctx: RequestContext, filters: ListFilters & { queue?: boolean }): Promise<{ items: ReferralSummary[]; nextCursor: string | null }> {
      authorize(ctx, referralPolicy, 'view-service');
      const errors = new FieldErrors();
      const from = dateFilter(errors, 'from', filters.from);
      const to = dateFilter(errors, 'to', filters.to);
      const status = text(filters.status);
      const urgency = text(filters.urgency);
      const source = text(filters.source);
      if (status && !['received', 'accepted', 'allocated', 'first-contact', 'engaged', 'paused', 'closed', 'open'].includes(status)) errors.add('status', 'Choose a status from the list');
      if (urgency && !['routine', 'urgent'].includes(urgency)) errors.add('urgency', 'Urgency is routine or urgent');
      errors.throwIfAny();
      const limit = pageLimit(filters.limit);
      const cursor = filters.queue ? null : decodeCursor(filters.cursor);
      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        let query = tx
          .selectFrom('referral as r')
          .innerJoin('person as p', (join) => join.onRef('p.organisationId', '=', 'r.organisationId').onRef('p.id', '=', 'r.personId'))
          .leftJoin('organisation as so', 'so.id', 'r.sourceOrganisationId')
          .select([
            'r.id', 'r.reference', 'r.status', 'r.urgency', 'r.createdAt', 'r.statusChangedAt', 'r.caseId', 'r.personId', 'r.duplicateDecision',
            'p.givenName', 'p.familyName', 'so.name as sourceName', 'so.slug as sourceSlug',
          ])
          .where('r.organisationId', '=', ctx.organisationId);
        if (filters.queue) query = query.where('r.status', '=', 'received');
        else if (status === 'open') query = query.where('r.status', '<>', 'closed');
        else if (status) query = query.where('r.status', '=', status as ReferralStatus);
        if (urgency) query = query.where('r.urgency', '=', urgency as 'routine' | 'urgent');
        if (source === 'self') query = query.where('r.sourceType', '=', 'self');
        else if (source) query = query.where('so.slug', '=', source.toLowerCase());
        if (from) query = query.where('r.createdAt', '>=', from);
        if (to) query = query.where('r.createdAt', '<', new Date(to.getTime() + 86_400_000));
        if (cursor) {
          query = query.where((eb) =>
            eb.or([eb('r.createdAt', '<', new Date(cursor.at)), eb.and([eb('r.createdAt', '=', new Date(cursor.at)), eb('r.id', '<', cursor.id)])]),
          );
        }
        query = filters.queue
          ? query.orderBy('r.urgency', 'desc').orderBy('r.createdAt', 'asc').orderBy('r.id', 'asc')
          : query.orderBy('r.createdAt', 'desc').orderBy('r.id', 'desc');
        const rows = await query.limit(limit + 1).execute();
        const items: ReferralSummary[] = [];
        for (const row of rows.slice(0, limit)) {
          const duplicates = row.status === 'received' && !row.duplicateDecision ? await possibleDuplicates(tx, { organisationId: ctx.organisationId, id: row.id, personId: row.personId }) : [];
          items.push({
            id: row.id,
            reference: row.reference,
            status: row.status,
            urgency: row.urgency,
            personName: `${row.givenName} ${row.familyName}`,
            source: row.sourceName ?? 'Self-referral',
            createdAt: iso(row.createdAt),
            statusChangedAt: iso(row.statusChangedAt),
            caseId: row.caseId,
            possibleDuplicates: duplicates.length,
          });
        }
        const last = !filters.queue && rows.length > limit ? rows[limit - 1]! : null;
        return { items, nextCursor: last ? encodeCursor(last.createdAt, last.id) : null };
      });
    },

    /** Link workers and team leads a referral can be allocated to. */
    async linkWorkers(ctx: RequestContext) {
      authorize(ctx, referralPolicy, 'view-service');
      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, (tx) =>
        tx
          .selectFrom('membership as m')
          .innerJoin('appUser as u', 'u.id', 'm.userId')
          .select(['u.id', 'u.name', 'u.email', 'm.role'])
          .where('m.organisationId', '=', ctx.organisationId)
          .where('m.active', '=', true)
          .where('u.active', '=', true)
          .where('m.role', 'in', ['link-worker', 'team-lead'])
          .orderBy('u.name')
          .execute(),
      );
    },

    /**
     * Moves a referral on. An action that does not fit the current status is a Conflict naming it.
     * Each step keeps its history, updates the referrer's neutral receipt, and queues messages.
     */
    async act(ctx: RequestContext, id: string, action: ReferralAction, input: ActionInput = {}): Promise<ReferralView> {
      authorizeAction(ctx, action);
      // Looked up before the transaction: PGlite has one connection, so a query outside `tx` inside it would wait for ever.
      const redirectTarget = action === 'redirect' ? await resolveTarget(input.toOrganisation, undefined) : null;
      return db.kysely.transaction().execute(async (tx) => {
        await setScope(tx, { organisationId: ctx.organisationId, userId: ctx.actor.userId });
        await applyAction(tx, ctx, id, action, input, redirectTarget);
        return (await fullView(tx, ctx, id))!;
      });
    },

    /**
     * The same transitions inside a caller's transaction (already scoped to ctx's organisation), for
     * casework: pausing, resuming, closing or reopening a case moves its referral, history and the
     * referrer's receipt exactly as the referral pages do. Redirecting is triage's alone.
     */
    async actWithin(tx: Tx, ctx: RequestContext, id: string, action: Exclude<ReferralAction, 'redirect'>, input: ActionInput = {}): Promise<void> {
      authorizeAction(ctx, action);
      await applyAction(tx, ctx, id, action, input, null);
    },
    /** A possible duplicate is linked (and closed as a duplicate) or kept separate; either way it is recorded. */
    async decideDuplicate(ctx: RequestContext, id: string, input: { decision?: unknown; duplicateOf?: unknown }): Promise<ReferralView> {
      authorize(ctx, referralPolicy, 'triage');
      const decision = text(input.decision);
      if (decision !== 'linked' && decision !== 'kept-separate') throw ValidationFailed.field('decision', 'Choose to link the referrals or keep them separate');
      if (decision === 'linked') {
        const other = text(input.duplicateOf);
        const view = await db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
          const referral = await loadForUpdate(tx, ctx, id);
          const candidates = await possibleDuplicates(tx, referral);
          if (!candidates.some((c) => c.id === other)) throw ValidationFailed.field('duplicateOf', 'Choose one of the possible duplicates shown');
          await tx.updateTable('referral').set({ duplicateOf: other, duplicateDecision: 'linked' }).where('organisationId', '=', ctx.organisationId).where('id', '=', id).execute();
          await recordAudit(tx, ctx, { action: 'referral.duplicate-linked', subjectType: 'referral', subjectId: id, detail: { duplicateOf: other } });
          return referral;
        });
        if (view.status === 'received') return service.act(ctx, id, 'decline', { reason: 'duplicate' });
        return (await service.get(ctx, id)).referral as ReferralView;
      }
      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        await loadForUpdate(tx, ctx, id);
        await tx.updateTable('referral').set({ duplicateDecision: 'kept-separate' }).where('organisationId', '=', ctx.organisationId).where('id', '=', id).execute();
        await recordAudit(tx, ctx, { action: 'referral.duplicate-kept-separate', subjectType: 'referral', subjectId: id });
        return (await fullView(tx, ctx, id))!;
      });
    },
  };
  return service;
}

export type ReferralService = ReturnType<typeof createReferralService>;
