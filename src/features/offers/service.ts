import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../platform/audit/audit.js';
import { authorize, can } from '../../platform/auth/policy.js';
import type { RequestContext } from '../../platform/context.js';
import type { Database, Tx } from '../../platform/db/database.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../../platform/errors.js';
import { text } from '../../platform/validation.js';
import { loadCaseHeader, type CaseHeader } from '../cases/header.js';
import type { DirectorySearchService, SearchResults } from '../directory/search/service.js';
import { introductionPolicy, offerPolicy } from './policy.js';
import {
  canLogAccompaniedSession,
  checkSessionDate,
  OFFER_STATE_LABELS,
  providerMayRecordAttendance,
  providerMayRespond,
  servicesToLeaveOut,
  suggestionRefusal,
  transitionAllowed,
  validateTransition,
  type IntroductionResponse,
  type OfferState,
  type TransitionInput,
} from './rules.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (value: Date | string) => new Date(value).toISOString();

/** What the service sees of the provider's side of an introduction (read from the provider's row). */
export interface IntroductionStatus {
  id: string;
  providerName: string;
  response: IntroductionResponse;
  responseNote: string | null;
  respondedAt: string | null;
  introducedAt: string;
  endedAt: string | null;
  attendance: string[];
}

export interface OfferEventView {
  kind: 'suggested' | 'transition' | 'accompanied-session';
  from: OfferState | null;
  to: OfferState;
  accompanied: boolean;
  reason: string | null;
  sessionOn: string | null;
  by: string;
  at: string;
}

export interface OfferView {
  id: string;
  caseId: string;
  service: { id: string; name: string };
  state: OfferState;
  accompanied: boolean;
  reason: string | null;
  stateChangedAt: string;
  createdAt: string;
  /** Sessions the link worker went to with the person. */
  accompaniedSessions: number;
  history: OfferEventView[];
  introductions: IntroductionStatus[];
}

/** The provider's view: exactly this, never the case, the person's other details or the offer. */
export interface IntroductionView {
  id: string;
  firstName: string;
  contactRoute: string;
  shared: string | null;
  service: { id: string; name: string };
  fromOrganisation: { name: string };
  introducedBy: string;
  accompanied: boolean;
  introducedAt: string;
  response: IntroductionResponse;
  responseNote: string | null;
  respondedAt: string | null;
  ended: boolean;
  endedAt: string | null;
  attendance: string[];
}

export interface SuggestionInput {
  text?: string;
  need?: string;
  includeDeclined?: boolean | string;
  page?: number | string;
  limit?: number | string;
}

export interface Suggestions {
  results: SearchResults;
  /** What the search was pre-filled with from the case: the person's postcode and the referral's needs. */
  prefill: { postcode: string | null; needs: string[] };
  /** Services left out because the person said no to them (unless asked for). */
  leftOut: number;
  includeDeclined: boolean;
  /** This case's offer of each result, if any: the page says "already offered" instead of "suggest". */
  offered: Record<string, { offerId: string; state: OfferState }>;
}

export function createOfferService(db: Database, directorySearch: DirectorySearchService, clock: () => Date = () => new Date()) {
  const scope = (ctx: RequestContext) => ({ organisationId: ctx.organisationId, userId: ctx.actor.userId });

  async function loadCase(tx: Tx, ctx: RequestContext, caseId: string) {
    if (!UUID.test(caseId)) throw new NotFound('There is no such case');
    const found = await tx
      .selectFrom('supportCase as c')
      .innerJoin('person as p', (join) => join.onRef('p.organisationId', '=', 'c.organisationId').onRef('p.id', '=', 'c.personId'))
      .innerJoin('referral as r', (join) => join.onRef('r.organisationId', '=', 'c.organisationId').onRef('r.id', '=', 'c.referralId'))
      .select(['c.id', 'c.status', 'c.linkWorkerUserId', 'c.personId', 'p.givenName', 'p.preferredName', 'p.postcode', 'p.noFixedAbode', 'r.needs'])
      .where('c.organisationId', '=', ctx.organisationId)
      .where('c.id', '=', caseId)
      .executeTakeFirst();
    if (!found) throw new NotFound('There is no such case');
    return found;
  }

  /** Team leads change any case's offers; a link worker those of the cases allocated to them. */
  function mayChange(ctx: RequestContext, linkWorkerUserId: string | null): void {
    if (can(ctx, offerPolicy, 'change-any')) return;
    authorize(ctx, offerPolicy, 'change-own');
    if (linkWorkerUserId !== ctx.actor.userId) throw new Forbidden('Only the allocated link worker or a team lead can change this case’s offers');
  }

  async function offerSummaries(tx: Tx, ctx: RequestContext, caseId: string) {
    return tx
      .selectFrom('offer')
      .select(['id', 'directoryServiceId as serviceId', 'state'])
      .where('organisationId', '=', ctx.organisationId)
      .where('caseId', '=', caseId)
      .execute();
  }

  async function offerViews(tx: Tx, ctx: RequestContext, where: { caseId: string } | { offerId: string }): Promise<OfferView[]> {
    let query = tx.selectFrom('offer').selectAll().where('organisationId', '=', ctx.organisationId);
    query = 'caseId' in where ? query.where('caseId', '=', where.caseId) : query.where('id', '=', where.offerId);
    const offers = await query.orderBy('createdAt').orderBy('id').execute();
    if (offers.length === 0) return [];
    const ids = offers.map((o) => o.id);
    const [events, introductions, attendance] = await Promise.all([
      tx
        .selectFrom('offerEvent as e')
        .leftJoin('appUser as u', 'u.id', 'e.actorUserId')
        .select(['e.offerId', 'e.kind', 'e.fromState', 'e.toState', 'e.accompanied', 'e.reason', 'e.sessionOn', 'e.actorLabel', 'u.name', 'e.occurredAt'])
        .where('e.organisationId', '=', ctx.organisationId)
        .where('e.offerId', 'in', ids)
        .orderBy('e.id')
        .execute(),
      // The provider's rows: row-level security shows the service only those it made.
      tx
        .selectFrom('introduction as i')
        .innerJoin('organisation as o', 'o.id', 'i.organisationId')
        .select(['i.organisationId', 'i.id', 'i.offerId', 'o.name as providerName', 'i.response', 'i.responseNote', 'i.respondedAt', 'i.introducedAt', 'i.endedAt'])
        .where('i.serviceOrganisationId', '=', ctx.organisationId)
        .where('i.offerId', 'in', ids)
        .orderBy('i.introducedAt')
        .execute(),
      tx
        .selectFrom('introductionAttendance as a')
        .innerJoin('introduction as i', (join) => join.onRef('i.organisationId', '=', 'a.organisationId').onRef('i.id', '=', 'a.introductionId'))
        .select(['a.introductionId', 'a.sessionOn'])
        .where('a.serviceOrganisationId', '=', ctx.organisationId)
        .where('i.offerId', 'in', ids)
        .orderBy('a.sessionOn')
        .execute(),
    ]);
    return offers.map((o) => {
      const history = events.filter((e) => e.offerId === o.id);
      return {
        id: o.id,
        caseId: o.caseId,
        service: { id: o.directoryServiceId, name: o.serviceName },
        state: o.state,
        accompanied: o.accompanied,
        reason: o.reason,
        stateChangedAt: iso(o.stateChangedAt),
        createdAt: iso(o.createdAt),
        accompaniedSessions: history.filter((e) => e.accompanied && (e.kind === 'accompanied-session' || e.toState === 'attending')).length,
        history: history.map((e) => ({
          kind: e.kind,
          from: e.fromState,
          to: e.toState,
          accompanied: e.accompanied,
          reason: e.reason,
          sessionOn: e.sessionOn,
          by: e.name ?? e.actorLabel,
          at: iso(e.occurredAt),
        })),
        introductions: introductions
          .filter((i) => i.offerId === o.id)
          .map((i) => ({
            id: i.id,
            providerName: i.providerName,
            response: i.response,
            responseNote: i.responseNote,
            respondedAt: i.respondedAt ? iso(i.respondedAt) : null,
            introducedAt: iso(i.introducedAt),
            endedAt: i.endedAt ? iso(i.endedAt) : null,
            attendance: attendance.filter((a) => a.introductionId === i.id).map((a) => a.sessionOn),
          })),
      };
    });
  }

  async function loadOfferForUpdate(tx: Tx, ctx: RequestContext, offerId: string) {
    if (!UUID.test(offerId)) throw new NotFound('There is no such offer');
    const offer = await tx
      .selectFrom('offer')
      .selectAll()
      .where('organisationId', '=', ctx.organisationId)
      .where('id', '=', offerId)
      .forUpdate()
      .executeTakeFirst();
    if (!offer) throw new NotFound('There is no such offer');
    return offer;
  }

  function inboxQuery(tx: Tx, ctx: RequestContext) {
    return tx
      .selectFrom('introduction as i')
      .innerJoin('organisation as o', 'o.id', 'i.serviceOrganisationId')
      .select([
        'i.id', 'i.firstName', 'i.contactRoute', 'i.shared', 'i.directoryServiceId', 'i.serviceName', 'o.name as fromName', 'i.introducedByName',
        'i.accompanied', 'i.introducedAt', 'i.response', 'i.responseNote', 'i.respondedAt', 'i.endedAt',
      ])
      .where('i.organisationId', '=', ctx.organisationId);
  }

  type InboxRow = Awaited<ReturnType<ReturnType<typeof inboxQuery>['executeTakeFirstOrThrow']>>;

  async function introductionViews(tx: Tx, ctx: RequestContext, rows: InboxRow[]): Promise<IntroductionView[]> {
    const ids = rows.map((r) => r.id);
    const attendance = ids.length
      ? await tx
          .selectFrom('introductionAttendance')
          .select(['introductionId', 'sessionOn'])
          .where('organisationId', '=', ctx.organisationId)
          .where('introductionId', 'in', ids)
          .orderBy('sessionOn')
          .execute()
      : [];
    return rows.map((r) => ({
      id: r.id,
      firstName: r.firstName,
      contactRoute: r.contactRoute,
      shared: r.shared,
      service: { id: r.directoryServiceId, name: r.serviceName },
      fromOrganisation: { name: r.fromName },
      introducedBy: r.introducedByName,
      accompanied: r.accompanied,
      introducedAt: iso(r.introducedAt),
      response: r.response,
      responseNote: r.responseNote,
      respondedAt: r.respondedAt ? iso(r.respondedAt) : null,
      ended: r.endedAt !== null,
      endedAt: r.endedAt ? iso(r.endedAt) : null,
      attendance: attendance.filter((a) => a.introductionId === r.id).map((a) => a.sessionOn),
    }));
  }

  async function loadIntroduction(tx: Tx, ctx: RequestContext, id: string, lock = false) {
    if (!UUID.test(id)) throw new NotFound('There is no such introduction');
    let query = inboxQuery(tx, ctx).where('i.id', '=', id);
    if (lock) query = query.forUpdate('i');
    const row = await query.executeTakeFirst();
    if (!row) throw new NotFound('There is no such introduction');
    return row;
  }

  return {
    /** A case's offers with their history, and the case header (reading it is audited as `case.viewed`). */
    async listForCase(ctx: RequestContext, caseId: string): Promise<{ header: CaseHeader; offers: OfferView[] }> {
      authorize(ctx, offerPolicy, 'view');
      return db.inScope(scope(ctx), async (tx) => {
        const header = await loadCaseHeader(tx, ctx, caseId, 'offers');
        if (!header) throw new NotFound('There is no such case');
        return { header, offers: await offerViews(tx, ctx, { caseId: header.id }) };
      });
    },

    /** Suggests a service from the directory to the person. */
    async suggest(ctx: RequestContext, caseId: string, input: { serviceId?: unknown }): Promise<OfferView> {
      authorize(ctx, offerPolicy, 'view');
      const serviceId = text(input.serviceId).toLowerCase();
      if (!UUID.test(serviceId)) throw ValidationFailed.field('serviceId', 'Choose a service from the directory (its id)');
      return db.inScope(scope(ctx), async (tx) => {
        const found = await loadCase(tx, ctx, caseId);
        mayChange(ctx, found.linkWorkerUserId);
        if (found.status === 'closed') throw new Conflict('This case is closed, so nothing new can be offered; reopen it first');
        // Row-level security shows published services and this organisation's own.
        const service = await tx
          .selectFrom('directoryService')
          .select(['id', 'name', 'status'])
          .where('id', '=', serviceId)
          .where((eb) => eb.or([eb('published', '=', true), eb('organisationId', '=', ctx.organisationId)]))
          .executeTakeFirst();
        if (!service) throw ValidationFailed.field('serviceId', 'There is no such service in the directory');
        if (service.status !== 'active' && service.status !== 'temporarily closed') throw ValidationFailed.field('serviceId', 'This service is no longer running');
        const refusal = suggestionRefusal(await offerSummaries(tx, ctx, found.id), service.id);
        if (refusal) throw new Conflict(refusal);
        const id = randomUUID();
        const now = clock();
        await tx
          .insertInto('offer')
          .values({
            organisationId: ctx.organisationId,
            id,
            caseId: found.id,
            directoryServiceId: service.id,
            serviceName: service.name,
            state: 'suggested',
            accompanied: false,
            reason: null,
            stateChangedAt: now,
            suggestedBy: ctx.actor.userId,
          })
          .execute();
        await tx
          .insertInto('offerEvent')
          .values({ organisationId: ctx.organisationId, offerId: id, kind: 'suggested', fromState: null, toState: 'suggested', accompanied: false, reason: null, actorUserId: ctx.actor.userId, actorLabel: ctx.actor.label })
          .execute();
        await recordAudit(tx, ctx, { action: 'offer.suggested', subjectType: 'offer', subjectId: id, detail: { case: found.id, person: found.personId, service: service.id } });
        return (await offerViews(tx, ctx, { offerId: id }))[0]!;
      });
    },

    /** One offer with its history (audited: it is part of the person's record). */
    async get(ctx: RequestContext, offerId: string): Promise<OfferView> {
      authorize(ctx, offerPolicy, 'view');
      if (!UUID.test(offerId)) throw new NotFound('There is no such offer');
      return db.inScope(scope(ctx), async (tx) => {
        const view = (await offerViews(tx, ctx, { offerId }))[0];
        if (!view) throw new NotFound('There is no such offer');
        await recordAudit(tx, ctx, { action: 'offer.viewed', subjectType: 'offer', subjectId: view.id, detail: { case: view.caseId } });
        return view;
      });
    },

    /**
     * Moves an offer on. Bad input is a 400 naming the fields; a move the offer's state does not
     * allow is a 409 naming the state. An introduction to a provider that uses Linkwork writes the
     * provider's introduction row; stopping, finishing or saying no after an introduction ends it.
     */
    async transition(ctx: RequestContext, offerId: string, input: TransitionInput): Promise<OfferView> {
      authorize(ctx, offerPolicy, 'view');
      return db.inScope(scope(ctx), async (tx) => {
        const offer = await loadOfferForUpdate(tx, ctx, offerId);
        const found = await loadCase(tx, ctx, offer.caseId);
        mayChange(ctx, found.linkWorkerUserId);
        const service = await tx.selectFrom('directoryService').select(['providerOrganisationId']).where('id', '=', offer.directoryServiceId).executeTakeFirst();
        const provider = service?.providerOrganisationId && service.providerOrganisationId !== ctx.organisationId ? service.providerOrganisationId : null;
        const change = validateTransition(input, provider !== null);
        if (!transitionAllowed(offer.state, change.to)) {
          throw new Conflict(`This offer is at “${OFFER_STATE_LABELS[offer.state]}” (${offer.state}), so it cannot move to ${change.to}`);
        }
        const now = clock();
        await tx
          .updateTable('offer')
          .set({
            state: change.to,
            stateChangedAt: now,
            // The person's words belong to the "no" they explain; moving on clears them (history keeps them).
            reason: change.to === 'declined' || change.to === 'stopped' ? change.reason : null,
            ...(change.to === 'introduced' ? { accompanied: change.accompanied } : {}),
          })
          .where('organisationId', '=', ctx.organisationId)
          .where('id', '=', offer.id)
          .execute();
        await tx
          .insertInto('offerEvent')
          .values({
            organisationId: ctx.organisationId,
            offerId: offer.id,
            kind: 'transition',
            fromState: offer.state,
            toState: change.to,
            accompanied: change.accompanied,
            reason: change.reason,
            actorUserId: ctx.actor.userId,
            actorLabel: ctx.actor.label,
          })
          .execute();
        if (change.introduction && provider) {
          const worker = ctx.actor.userId ? await tx.selectFrom('appUser').select('name').where('id', '=', ctx.actor.userId).executeTakeFirst() : undefined;
          await tx
            .insertInto('introduction')
            .values({
              organisationId: provider,
              id: randomUUID(),
              serviceOrganisationId: ctx.organisationId,
              offerId: offer.id,
              directoryServiceId: offer.directoryServiceId,
              serviceName: offer.serviceName,
              firstName: found.preferredName || found.givenName,
              contactRoute: change.introduction.contactRoute,
              shared: change.introduction.shared,
              accompanied: change.accompanied,
              introducedByName: worker?.name ?? 'A link worker',
              responseNote: null,
              respondedAt: null,
              respondedBy: null,
              endedAt: null,
            })
            .execute();
        }
        if (['declined', 'stopped', 'completed'].includes(change.to) && (offer.state === 'introduced' || offer.state === 'attending')) {
          await tx
            .updateTable('introduction')
            .set({ endedAt: now })
            .where('serviceOrganisationId', '=', ctx.organisationId)
            .where('offerId', '=', offer.id)
            .where('endedAt', 'is', null)
            .execute();
        }
        await recordAudit(tx, ctx, {
          action: 'offer.transitioned',
          subjectType: 'offer',
          subjectId: offer.id,
          detail: { case: offer.caseId, person: found.personId, from: offer.state, to: change.to, accompanied: change.accompanied, introduced: change.introduction !== null },
        });
        return (await offerViews(tx, ctx, { offerId: offer.id }))[0]!;
      });
    },

    /** The link worker went with the person to a session: counted as accompanied attendance. */
    async logAccompaniedSession(ctx: RequestContext, offerId: string, input: { on?: unknown }): Promise<OfferView> {
      authorize(ctx, offerPolicy, 'view');
      const on = checkSessionDate(input.on, clock().toISOString().slice(0, 10));
      return db.inScope(scope(ctx), async (tx) => {
        const offer = await loadOfferForUpdate(tx, ctx, offerId);
        const found = await loadCase(tx, ctx, offer.caseId);
        mayChange(ctx, found.linkWorkerUserId);
        if (!canLogAccompaniedSession(offer.state)) {
          throw new Conflict(`This offer is ${offer.state}: sessions you went to together are logged once the person is introduced or going`);
        }
        await tx
          .insertInto('offerEvent')
          .values({ organisationId: ctx.organisationId, offerId: offer.id, kind: 'accompanied-session', fromState: offer.state, toState: offer.state, accompanied: true, reason: null, sessionOn: on, actorUserId: ctx.actor.userId, actorLabel: ctx.actor.label })
          .execute();
        await recordAudit(tx, ctx, { action: 'offer.accompanied-session', subjectType: 'offer', subjectId: offer.id, detail: { case: offer.caseId, person: found.personId, on } });
        return (await offerViews(tx, ctx, { offerId: offer.id }))[0]!;
      });
    },

    /**
     * Directory search for this person, through the directory's own search: pre-filled with the
     * person's postcode and the referral's first need (`need: ''` searches every need), leaving out
     * what they said no to unless `includeDeclined`. Reading the case's postcode and needs is audited.
     */
    async suggestions(ctx: RequestContext, caseId: string, input: SuggestionInput): Promise<Suggestions> {
      authorize(ctx, offerPolicy, 'view');
      const includeDeclined = input.includeDeclined === true || ['true', '1', 'yes', 'on'].includes(String(input.includeDeclined ?? '').toLowerCase());
      const { found, offers } = await db.inScope(scope(ctx), async (tx) => {
        const found = await loadCase(tx, ctx, caseId);
        const offers = await offerSummaries(tx, ctx, found.id);
        await recordAudit(tx, ctx, { action: 'case.suggestions-viewed', subjectType: 'case', subjectId: found.id, detail: { person: found.personId, includeDeclined } });
        return { found, offers };
      });
      const postcode = found.noFixedAbode && !found.postcode ? null : found.postcode;
      const leaveOut = servicesToLeaveOut(offers, includeDeclined);
      const results = await directorySearch.search(
        ctx,
        {
          text: input.text,
          need: input.need ?? found.needs[0] ?? '',
          nearPostcode: postcode ?? undefined,
          page: input.page,
          limit: input.limit,
        },
        { exclude: leaveOut },
      );
      const offered: Suggestions['offered'] = {};
      for (const o of offers) if (!offered[o.serviceId] || o.state !== 'completed') offered[o.serviceId] = { offerId: o.id, state: o.state };
      return { results, prefill: { postcode, needs: found.needs }, leftOut: leaveOut.length, includeDeclined, offered };
    },

    /** The provider's inbox: introductions addressed to this organisation, newest first (audited). */
    async inbox(ctx: RequestContext): Promise<IntroductionView[]> {
      authorize(ctx, introductionPolicy, 'inbox');
      return db.inScope(scope(ctx), async (tx) => {
        const rows = await inboxQuery(tx, ctx).orderBy('i.introducedAt', 'desc').orderBy('i.id', 'desc').limit(200).execute();
        await recordAudit(tx, ctx, { action: 'introduction.listed', subjectType: 'introduction', detail: { count: rows.length } });
        return introductionViews(tx, ctx, rows);
      });
    },

    async introduction(ctx: RequestContext, id: string): Promise<IntroductionView> {
      authorize(ctx, introductionPolicy, 'inbox');
      return db.inScope(scope(ctx), async (tx) => {
        const row = await loadIntroduction(tx, ctx, id);
        await recordAudit(tx, ctx, { action: 'introduction.viewed', subjectType: 'introduction', subjectId: row.id });
        return (await introductionViews(tx, ctx, [row]))[0]!;
      });
    },

    /** The provider accepts or declines an introduction, once, with an optional short note. */
    async respond(ctx: RequestContext, id: string, input: { response?: unknown; note?: unknown }): Promise<IntroductionView> {
      authorize(ctx, introductionPolicy, 'respond');
      const response = text(input.response);
      const note = text(input.note);
      const errors: { field: string; message: string }[] = [];
      if (response !== 'accepted' && response !== 'declined') errors.push({ field: 'response', message: 'Choose whether you can take this introduction (accepted or declined)' });
      if (note.length > 500) errors.push({ field: 'note', message: 'Note must be 500 characters or fewer' });
      if (errors.length) throw new ValidationFailed(errors);
      return db.inScope(scope(ctx), async (tx) => {
        const row = await loadIntroduction(tx, ctx, id, true);
        if (!providerMayRespond(row.response, row.endedAt !== null)) {
          throw new Conflict(row.endedAt ? 'This introduction has ended' : `This introduction was already ${row.response}`);
        }
        await tx
          .updateTable('introduction')
          .set({ response: response as IntroductionResponse, responseNote: note || null, respondedAt: clock(), respondedBy: ctx.actor.userId })
          .where('organisationId', '=', ctx.organisationId)
          .where('id', '=', row.id)
          .execute();
        await recordAudit(tx, ctx, { action: `introduction.${response}`, subjectType: 'introduction', subjectId: row.id });
        return (await introductionViews(tx, ctx, [await loadIntroduction(tx, ctx, row.id)]))[0]!;
      });
    },

    /** The provider records a session the person came to. */
    async recordAttendance(ctx: RequestContext, id: string, input: { on?: unknown }): Promise<IntroductionView> {
      authorize(ctx, introductionPolicy, 'respond');
      const on = checkSessionDate(input.on, clock().toISOString().slice(0, 10));
      return db.inScope(scope(ctx), async (tx) => {
        const row = await loadIntroduction(tx, ctx, id, true);
        if (!providerMayRecordAttendance(row.response, row.endedAt !== null)) {
          throw new Conflict(row.endedAt ? 'This introduction has ended' : 'Accept the introduction before recording attendance');
        }
        const service = await tx.selectFrom('introduction').select('serviceOrganisationId').where('organisationId', '=', ctx.organisationId).where('id', '=', row.id).executeTakeFirstOrThrow();
        const inserted = await tx
          .insertInto('introductionAttendance')
          .values({ organisationId: ctx.organisationId, introductionId: row.id, serviceOrganisationId: service.serviceOrganisationId, sessionOn: on, recordedBy: ctx.actor.userId })
          .onConflict((oc) => oc.columns(['organisationId', 'introductionId', 'sessionOn']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted) await recordAudit(tx, ctx, { action: 'introduction.attendance-recorded', subjectType: 'introduction', subjectId: row.id, detail: { on } });
        return (await introductionViews(tx, ctx, [row]))[0]!;
      });
    },
  };
}

export type OfferService = ReturnType<typeof createOfferService>;
