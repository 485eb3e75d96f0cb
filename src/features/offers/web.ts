import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/auth/policy.js';
import type { RequestContext } from '../../platform/context.js';
import { Conflict, NotFound, ValidationFailed, type FieldError } from '../../platform/errors.js';
import type { App } from '../../platform/http/app.js';
import { formValues, requireContext } from '../../platform/http/request.js';
import type { Services } from '../../services.js';
import { offerPolicy } from './policy.js';
import {
  canLogAccompaniedSession,
  INTRODUCTION_RESPONSE_LABELS,
  OFFER_STATE_LABELS,
  providerMayRecordAttendance,
  providerMayRespond,
  TRANSITIONS,
  type OfferState,
} from './rules.js';
import type { IntroductionView, OfferEventView, OfferView } from './service.js';

/**
 * The case's Offers page (each offer with its history and the steps its state allows), "Find
 * services for this person", and the provider's introductions inbox. Work without JavaScript.
 */

const OFFERS = 'features/offers/views/offers.njk';
const FIND = 'features/offers/views/find.njk';
const INBOX = 'features/offers/views/inbox.njk';
const INTRODUCTION = 'features/offers/views/introduction.njk';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const STATE_COLOURS: Record<OfferState, string> = {
  suggested: 'blue',
  interested: 'aqua-green',
  declined: 'grey',
  introduced: 'purple',
  attending: 'green',
  stopped: 'grey',
  completed: 'white',
};

/** The words on each step's button, and what it records. */
const STEP_LABELS: Record<Exclude<OfferState, 'suggested'>, (from: OfferState) => string> = {
  interested: (from) => (from === 'declined' || from === 'stopped' ? 'They would like to try it now' : 'They are interested'),
  declined: (from) => (from === 'introduced' ? 'They decided not to go' : 'They said no'),
  introduced: () => 'Make the introduction',
  attending: () => 'They are going',
  stopped: () => 'They stopped going',
  completed: () => 'They finished',
};

/** Messages after a redirect come from this fixed list, so a link can never put words on the page. */
const DONE: Record<string, string> = {
  suggested: 'Offer added. Talk it through with the person: saying no is always fine.',
  moved: 'Offer updated.',
  session: 'Session logged.',
  accepted: 'You accepted the introduction. Get in touch in the way given.',
  declined: 'You said you cannot take this introduction. The link worker will see that.',
  attendance: 'Attendance recorded.',
};

function param(request: FastifyRequest, name: string, what: string): string {
  const value = (request.params as Record<string, string>)[name] ?? '';
  if (!UUID.test(value)) throw new NotFound(`There is no such ${what}`);
  return value.toLowerCase();
}

function queryString(query: unknown, name: string): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : undefined;
}

function historyLine(event: OfferEventView): string {
  if (event.kind === 'suggested') return 'Suggested';
  if (event.kind === 'accompanied-session') return `Went to a session together on ${new Date(`${event.sessionOn}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })}`;
  let line = OFFER_STATE_LABELS[event.to];
  if (event.to === 'introduced' && event.accompanied) line += ', going along with them';
  if (event.to === 'attending' && event.accompanied) line += ', went with them the first time';
  if (event.reason) line += `: “${event.reason}”`;
  return line;
}

export async function offerWebRoutes(app: App, services: Services): Promise<void> {
  async function offersPage(ctx: RequestContext, caseId: string) {
    const { header, offers } = await services.offers.listForCase(ctx, caseId);
    const canChange = can(ctx, offerPolicy, 'change-any') || (can(ctx, offerPolicy, 'change-own') && header.linkWorker?.id === ctx.actor.userId);
    const worker = header.linkWorker?.name ?? 'their link worker';
    return {
      title: `Offers – ${header.person.displayName}`,
      caseHeader: header,
      casePart: 'offers',
      canChange,
      today: new Date().toISOString().slice(0, 10),
      defaultContactRoute: `Through ${worker} at ${header.programme.name}`,
      firstName: header.person.displayName.split(' ')[0],
      offers: offers.map((offer: OfferView) => ({
        ...offer,
        stateLabel: OFFER_STATE_LABELS[offer.state],
        stateColour: STATE_COLOURS[offer.state],
        steps: canChange ? TRANSITIONS[offer.state].map((to) => ({ to, label: STEP_LABELS[to as Exclude<OfferState, 'suggested'>](offer.state) })) : [],
        canLogSession: canChange && canLogAccompaniedSession(offer.state),
        history: offer.history.map((event) => ({ ...event, line: historyLine(event) })),
        introductions: offer.introductions.map((i) => ({ ...i, responseLabel: i.response === 'awaiting' ? 'Not answered yet' : INTRODUCTION_RESPONSE_LABELS[i.response] })),
      })),
      said: { live: offers.filter((o) => !['declined', 'stopped', 'completed'].includes(o.state)).length, no: offers.filter((o) => o.state === 'declined' || o.state === 'stopped').length },
    };
  }

  /** Re-renders the Offers page after a refused step: 400 with field errors, 409 with the offer's state. */
  async function refused(reply: FastifyReply, ctx: RequestContext, caseId: string, offerId: string | null, error: unknown, kept: Record<string, string> = {}) {
    const target = offerId ? `offer-${offerId}` : 'offers';
    let errors: FieldError[];
    if (error instanceof ValidationFailed) {
      const known = new Set(['reason', 'contactRoute', 'shared', 'on']);
      errors = error.errors.map((e) => ({ field: known.has(e.field) && offerId ? `${target}-${kept.to ?? 'session'}-${e.field}` : target, message: e.message }));
    } else if (error instanceof Conflict) {
      errors = [{ field: target, message: error.message }];
    } else throw error;
    return reply.code(error instanceof Conflict ? 409 : 400).page(OFFERS, { ...(await offersPage(ctx, caseId)), errors, kept: { offerId, ...kept } });
  }

  app.get('/cases/:id/offers', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const data = await offersPage(ctx, param(request, 'id', 'case'));
    const done = queryString(request.query, 'done') ?? '';
    return reply.page(OFFERS, { ...data, flash: Object.hasOwn(DONE, done) ? DONE[done] : undefined });
  });

  app.post('/cases/:id/offers', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const caseId = param(request, 'id', 'case');
    const values = formValues(request.body);
    try {
      const offer = await services.offers.suggest(ctx, caseId, { serviceId: values.serviceId });
      return reply.redirect(`/cases/${caseId}/offers?done=suggested#offer-${offer.id}`, 303);
    } catch (error) {
      return refused(reply, ctx, caseId, null, error);
    }
  });

  app.post('/cases/:id/offers/:offerId/transition', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const caseId = param(request, 'id', 'case');
    const offerId = param(request, 'offerId', 'offer');
    const values = formValues(request.body);
    const input = { to: values.to, accompanied: values.accompanied === 'yes', reason: values.reason, contactRoute: values.contactRoute, shared: values.shared };
    try {
      const offer = await services.offers.transition(ctx, offerId, input);
      return reply.redirect(`/cases/${offer.caseId}/offers?done=moved#offer-${offer.id}`, 303);
    } catch (error) {
      return refused(reply, ctx, caseId, offerId, error, { to: values.to ?? '', reason: values.reason ?? '', contactRoute: values.contactRoute ?? '', shared: values.shared ?? '' });
    }
  });

  app.post('/cases/:id/offers/:offerId/sessions', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const caseId = param(request, 'id', 'case');
    const offerId = param(request, 'offerId', 'offer');
    const values = formValues(request.body);
    try {
      const offer = await services.offers.logAccompaniedSession(ctx, offerId, { on: values.on });
      return reply.redirect(`/cases/${offer.caseId}/offers?done=session#offer-${offer.id}`, 303);
    } catch (error) {
      return refused(reply, ctx, caseId, offerId, error, { on: values.on ?? '' });
    }
  });

  app.get('/cases/:id/offers/find', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const caseId = param(request, 'id', 'case');
    const text = queryString(request.query, 'text');
    const need = queryString(request.query, 'need');
    const includeDeclined = queryString(request.query, 'includeDeclined') === 'yes';
    const page = queryString(request.query, 'page');
    const { header } = await services.offers.listForCase(ctx, caseId);
    const needs = await services.directorySearch.needOptions();
    const base = { title: `Find services – ${header.person.displayName}`, caseHeader: header, casePart: 'offers', text: text ?? '', includeDeclined };
    try {
      const found = await services.offers.suggestions(ctx, caseId, { text, need, includeDeclined, page });
      const chosenNeed = found.results.query.need ?? '';
      const params = (p: number) => {
        const q = new URLSearchParams({ text: text ?? '', need: chosenNeed, page: String(p) });
        if (includeDeclined) q.set('includeDeclined', 'yes');
        return `/cases/${caseId}/offers/find?${q.toString()}`;
      };
      return reply.page(FIND, {
        ...base,
        found,
        needItems: [{ value: '', text: 'Any need' }, ...needs.map((n) => ({ value: n.code, text: n.parentCode ? `– ${n.label}` : n.label, selected: n.code === chosenNeed }))],
        referralNeeds: needs.filter((n) => found.prefill.needs.includes(n.code)).map((n) => n.label),
        items: found.results.items.map((item) => ({
          ...item,
          offered: found.offered[item.id] ? { ...found.offered[item.id]!, label: OFFER_STATE_LABELS[found.offered[item.id]!.state] } : null,
        })),
        previousHref: found.results.page > 1 ? params(found.results.page - 1) : null,
        nextHref: found.results.nextCursor ? params(found.results.page + 1) : null,
      });
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      return reply.code(400).page(FIND, {
        ...base,
        needItems: [{ value: '', text: 'Any need' }, ...needs.map((n) => ({ value: n.code, text: n.label, selected: n.code === need }))],
        errors: error.errors.map((e) => ({ field: e.field === 'text' || e.field === 'need' ? e.field : 'text', message: e.message })),
      });
    }
  });

  // The provider's inbox.

  function introductionRow(intro: IntroductionView) {
    return {
      ...intro,
      statusLabel: intro.ended ? 'Ended' : INTRODUCTION_RESPONSE_LABELS[intro.response],
      statusColour: intro.ended ? 'grey' : intro.response === 'awaiting' ? 'blue' : intro.response === 'accepted' ? 'green' : 'grey',
    };
  }

  async function introductionPage(ctx: RequestContext, id: string) {
    const intro = await services.offers.introduction(ctx, id);
    return {
      title: `Introduction: ${intro.firstName}`,
      intro: introductionRow(intro),
      canRespond: providerMayRespond(intro.response, intro.ended),
      canRecord: providerMayRecordAttendance(intro.response, intro.ended),
      today: new Date().toISOString().slice(0, 10),
    };
  }

  app.get('/introductions', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const items = (await services.offers.inbox(ctx)).map(introductionRow);
    return reply.page(INBOX, { title: 'Introductions', items, waiting: items.filter((i) => i.response === 'awaiting' && !i.ended).length });
  });

  app.get('/introductions/:id', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const data = await introductionPage(ctx, param(request, 'id', 'introduction'));
    const done = queryString(request.query, 'done') ?? '';
    return reply.page(INTRODUCTION, { ...data, flash: Object.hasOwn(DONE, done) ? DONE[done] : undefined });
  });

  for (const action of ['response', 'attendance'] as const) {
    app.post(`/introductions/:id/${action}`, { schema: { hide: true } }, async (request, reply) => {
      const ctx = requireContext(request);
      const id = param(request, 'id', 'introduction');
      const values = formValues(request.body);
      try {
        if (action === 'response') await services.offers.respond(ctx, id, { response: values.response, note: values.note });
        else await services.offers.recordAttendance(ctx, id, { on: values.on });
      } catch (error) {
        if (!(error instanceof ValidationFailed) && !(error instanceof Conflict)) throw error;
        const errors = error instanceof ValidationFailed ? error.errors.map((e) => ({ field: e.field === 'on' ? 'on' : e.field === 'note' ? 'note' : 'response', message: e.message })) : [{ field: action === 'response' ? 'response' : 'on', message: error.message }];
        return reply.code(error.status).page(INTRODUCTION, { ...(await introductionPage(ctx, id)), errors, kept: values });
      }
      const done = action === 'attendance' ? 'attendance' : values.response === 'declined' ? 'declined' : 'accepted';
      return reply.redirect(`/introductions/${id}?done=${done}`, 303);
    });
  }
}
