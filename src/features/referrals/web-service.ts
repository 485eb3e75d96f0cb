import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can } from '../../platform/auth/policy.js';
import type { RequestContext } from '../../platform/context.js';
import type { ReferralStatus } from '../../platform/db/schema.js';
import { Conflict, Forbidden, NotFound, ValidationFailed, type FieldError } from '../../platform/errors.js';
import type { App } from '../../platform/http/app.js';
import { formValues, requireContext } from '../../platform/http/request.js';
import type { Services } from '../../services.js';
import { referralPolicy } from './policy.js';
import {
  actionAllowed,
  CLOSE_REASON_LABELS,
  CLOSE_REASONS,
  DECLINE_REASONS,
  MULTIPLE_DISADVANTAGE_LABELS,
  PREFERRED_CONTACT_LABELS,
  type CloseReason,
  type ReferralAction,
} from './rules.js';
import type { ReferralSummary, ReferralView } from './service.js';

/**
 * The receiving service's pages: the triage queue, every referral with filters, and one referral in
 * full with the actions its status and the user's role allow. Works without JavaScript.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = 86_400_000;

const TRIAGE = 'features/referrals/views/service/triage.njk';
const LIST = 'features/referrals/views/service/list.njk';
const REFERRAL = 'features/referrals/views/service/referral.njk';

export const STATUS_LABELS: Record<ReferralStatus, string> = {
  received: 'Received',
  accepted: 'Accepted',
  allocated: 'Allocated',
  'first-contact': 'First contact made',
  engaged: 'Engaged',
  paused: 'Paused',
  closed: 'Closed',
};

const STATUS_COLOURS: Record<ReferralStatus, string> = {
  received: 'blue',
  accepted: 'aqua-green',
  allocated: 'purple',
  'first-contact': 'green',
  engaged: 'green',
  paused: 'yellow',
  closed: 'grey',
};

const HISTORY_LABELS: Record<string, string> = {
  receive: 'Received',
  accept: 'Accepted',
  allocate: 'Allocated',
  decline: 'Declined',
  redirect: 'Passed to another service',
  'record-first-contact': 'First contact recorded',
  'record-engaged': 'Marked as engaged',
  pause: 'Paused',
  resume: 'Resumed',
  close: 'Closed',
  reopen: 'Reopened',
};

const CONSENT_BY: Record<string, string> = { person: 'The person', representative: 'Their representative' };
const CONSENT_METHOD: Record<string, string> = { verbal: 'verbally', written: 'in writing', online: 'online' };

const ACTIONS: readonly ReferralAction[] = ['accept', 'allocate', 'decline', 'redirect', 'record-first-contact', 'record-engaged', 'pause', 'resume', 'close'];
const TRIAGE_ACTIONS: ReadonlySet<ReferralAction> = new Set(['accept', 'allocate', 'decline', 'redirect']);

/** Messages after a redirect come from this fixed list, so a link can never put words on the page. */
const DONE_MESSAGES: Record<string, (referral: ReferralView) => string> = {
  accepted: () => 'Referral accepted and a case opened. Allocate a link worker next.',
  allocated: (r) => (r.linkWorker ? `Allocated to ${r.linkWorker.name}.` : 'Link worker allocated.'),
  declined: () => 'Referral declined. The referrer has been told in neutral words; this does not affect the person’s care.',
  redirected: () => 'Referral passed to the other service. This referral is now closed here.',
  'first-contact': () => 'First contact recorded.',
  engaged: () => 'Marked as engaged.',
  paused: () => 'Referral paused. Its history is kept, and you can resume it at any time.',
  resumed: () => 'Referral resumed.',
  closed: () => 'Referral closed.',
  reopened: () => 'Case reopened, with all its history.',
  'duplicate-linked': () => 'Linked as a duplicate.',
  'duplicate-declined': () => 'Linked as a duplicate and declined as already referred.',
  'kept-separate': () => 'Kept separate: this referral is no longer flagged as a possible duplicate.',
};

const ACTION_DONE_KEY: Record<ReferralAction, string> = {
  accept: 'accepted',
  allocate: 'allocated',
  decline: 'declined',
  redirect: 'redirected',
  'record-first-contact': 'first-contact',
  'record-engaged': 'engaged',
  pause: 'paused',
  resume: 'resumed',
  close: 'closed',
  reopen: 'reopened',
};

/** Where each service field's error points on the referral page (each form's controls have unique ids). */
function fieldFor(action: ReferralAction | 'duplicate', field: string): string {
  if (action === 'duplicate') return 'duplicates';
  if (action === 'redirect') return 'toOrganisation';
  if (field === 'reason') return `${action}-reason`;
  if (field === 'linkWorker' || field === 'toOrganisation' || field === 'overrideReason') return field;
  return 'actions';
}

/** The service names the API's codes in some messages; a page says it in words instead. */
function pageMessage(action: ReferralAction | 'duplicate', error: FieldError): string {
  if (error.field === 'reason' && action === 'decline') return 'Choose why you are declining this referral';
  if (error.field === 'reason' && action === 'close') return 'Choose why this referral is closing';
  return error.message;
}

function referralIdParam(request: FastifyRequest): string {
  const { id } = request.params as { id: string };
  if (!UUID.test(id)) throw new NotFound('There is no such referral');
  return id.toLowerCase();
}

function queryString(query: unknown, name: string): string {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

export function formatNhsNumber(value: string): string {
  const digits = value.replace(/\s/g, '');
  return digits.length === 10 ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : value;
}

function daysWaiting(createdAt: string, now: number): string {
  const days = Math.max(0, Math.floor((now - new Date(createdAt).getTime()) / DAY));
  return days === 1 ? '1 day' : `${days} days`;
}

function summaryRow(item: ReferralSummary, now: number) {
  return {
    ...item,
    statusLabel: STATUS_LABELS[item.status],
    statusColour: STATUS_COLOURS[item.status],
    waiting: daysWaiting(item.createdAt, now),
  };
}

function paragraphs(value: string): string[] {
  return value.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
}

function closeReasonLabel(reason: string | null): string | null {
  if (!reason) return null;
  return (CLOSE_REASON_LABELS as Record<string, string>)[reason] ?? reason;
}

function reasonItems(reasons: readonly CloseReason[], checked: string | undefined) {
  return reasons.map((reason) => ({ value: reason, text: CLOSE_REASON_LABELS[reason], checked: reason === checked }));
}

interface Chosen {
  action?: ReferralAction | 'duplicate';
  reason?: string;
  linkWorker?: string;
  toOrganisation?: string;
  overrideReason?: string;
}

export async function referralServiceRoutes(app: App, services: Services): Promise<void> {
  /** Everything the referral page shows; reading it writes a `referral.viewed` audit event. */
  async function referralPage(ctx: RequestContext, id: string, chosen: Chosen = {}) {
    authorize(ctx, referralPolicy, 'view-service');
    const found = await services.referrals.get(ctx, id);
    // A referral this organisation sent to another service: not one of this service's referrals.
    if (found.kind !== 'full') throw new NotFound('There is no such referral');
    const referral = found.referral;
    const status = referral.status;

    const canTriage = can(ctx, referralPolicy, 'triage');
    const canProgress = can(ctx, referralPolicy, 'progress-any') || (can(ctx, referralPolicy, 'progress-own') && referral.linkWorker?.id === ctx.actor.userId);
    const allowed = (action: ReferralAction) => actionAllowed(action, status) && (TRIAGE_ACTIONS.has(action) ? canTriage : canProgress);
    const show = {
      accept: allowed('accept'),
      allocate: allowed('allocate'),
      decline: allowed('decline'),
      redirect: allowed('redirect'),
      recordFirstContact: allowed('record-first-contact'),
      recordEngaged: allowed('record-engaged'),
      pause: allowed('pause'),
      resume: allowed('resume'),
      // A received referral is declined rather than closed: the same outcome, in triage's words.
      close: allowed('close') && !(status === 'received' && allowed('decline')),
    };
    const anyAction = Object.values(show).some(Boolean);

    const [needs, workers, servicesList, organisation] = await Promise.all([
      services.referrals.listNeeds(),
      show.allocate ? services.referrals.linkWorkers(ctx) : Promise.resolve([]),
      show.redirect ? services.referrals.listServices() : Promise.resolve([]),
      show.redirect ? services.organisations.byId(ctx.organisationId) : Promise.resolve(null),
    ]);
    const needLabels = new Map(needs.map((n) => [n.code, n.label]));
    const pick = (action: ReferralAction) => (chosen.action === action ? chosen : {});

    return {
      title: `Referral ${referral.reference}`,
      referral,
      statusLabel: STATUS_LABELS[status],
      statusColour: STATUS_COLOURS[status],
      closedReasonLabel: closeReasonLabel(referral.closedReason),
      nhsNumber: referral.person.nhsNumber ? formatNhsNumber(referral.person.nhsNumber) : null,
      preferredContactLabel: (PREFERRED_CONTACT_LABELS as Record<string, string>)[referral.person.preferredContact] ?? referral.person.preferredContact,
      reasonParagraphs: paragraphs(referral.reason),
      riskParagraphs: referral.riskNotes ? paragraphs(referral.riskNotes) : [],
      needLabels: referral.needs.map((code) => needLabels.get(code) ?? code),
      mdLabels: referral.multipleDisadvantage.map((code) => (MULTIPLE_DISADVANTAGE_LABELS as Record<string, string>)[code] ?? code),
      consentBy: CONSENT_BY[referral.consent.by] ?? referral.consent.by,
      consentMethod: CONSENT_METHOD[referral.consent.method] ?? referral.consent.method,
      duplicates: referral.possibleDuplicates.map((d) => ({
        ...d,
        statusLabel: STATUS_LABELS[d.status],
        matchLabel: d.match === 'nhs-number' ? 'Same NHS number' : 'Same name and date of birth',
      })),
      canDecideDuplicates: canTriage && referral.possibleDuplicates.length > 0,
      history: referral.history.map((h) => ({
        ...h,
        actionLabel: HISTORY_LABELS[h.action] ?? h.action,
        fromLabel: h.from ? (STATUS_LABELS as Record<string, string>)[h.from] ?? h.from : null,
        toLabel: (STATUS_LABELS as Record<string, string>)[h.to] ?? h.to,
        reasonLabel: closeReasonLabel(h.reason),
      })),
      show,
      anyAction,
      isAllocatedToMe: referral.linkWorker?.id === ctx.actor.userId,
      linkWorkerItems: workers.map((w) => ({
        value: w.id,
        text: w.name,
        hint: { text: w.role === 'team-lead' ? 'Team lead' : 'Link worker' },
        checked: (pick('allocate').linkWorker ?? referral.linkWorker?.id) === w.id,
        selected: (pick('allocate').linkWorker ?? referral.linkWorker?.id) === w.id,
      })),
      useSelectForWorkers: workers.length > 10,
      declineItems: reasonItems(DECLINE_REASONS, pick('decline').reason),
      closeItems: reasonItems(
        CLOSE_REASONS.filter((r) => r !== 'redirected'),
        pick('close').reason,
      ),
      serviceItems: [
        { value: '', text: 'Choose a service' },
        ...servicesList
          .filter((s) => s.slug !== organisation?.slug)
          .map((s) => ({ value: s.slug, text: s.name, selected: pick('redirect').toOrganisation === s.slug })),
      ],
      pauseReason: pick('pause').reason ?? '',
      overrideReason: pick('allocate').overrideReason ?? '',
    };
  }

  /** Re-renders the referral page after a refused action: 400 with field errors, 409 with the current state. */
  async function refused(reply: FastifyReply, ctx: RequestContext, id: string, chosen: Chosen, error: unknown) {
    if (error instanceof ValidationFailed) {
      const errors: FieldError[] = error.errors.map((e) => ({ field: fieldFor(chosen.action!, e.field), message: pageMessage(chosen.action!, e) }));
      return reply.code(400).page(REFERRAL, { ...(await referralPage(ctx, id, chosen)), errors });
    }
    if (error instanceof Conflict) {
      return reply.code(409).page(REFERRAL, { ...(await referralPage(ctx, id)), errors: [{ field: 'status', message: error.message }] });
    }
    // A step the rules keep for a team lead (closing someone facing multiple disadvantage as unreachable).
    if (error instanceof Forbidden && chosen.action === 'close') {
      return reply.code(403).page(REFERRAL, { ...(await referralPage(ctx, id)), errors: [{ field: 'close-reason', message: error.message }] });
    }
    throw error;
  }

  app.get('/referrals/triage', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const page = await services.referrals.listForService(ctx, { queue: true, limit: 200 });
    const now = Date.now();
    return reply.page(TRIAGE, {
      title: 'Triage queue',
      items: page.items.map((item) => summaryRow(item, now)),
      full: page.items.length >= 200,
      canTriage: can(ctx, referralPolicy, 'triage'),
    });
  });

  const FILTERS = ['status', 'urgency', 'source', 'from', 'to'] as const;

  app.get('/referrals', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    authorize(ctx, referralPolicy, 'view-service');
    const filters: Record<string, string> = {};
    for (const name of FILTERS) filters[name] = queryString(request.query, name);
    const cursor = queryString(request.query, 'cursor');
    const filtered = FILTERS.some((name) => filters[name] !== '');
    const data = { title: 'Referrals', filters, filtered, olderPage: cursor !== '', items: [] as unknown[], nextUrl: null as string | null };
    let page: Awaited<ReturnType<typeof services.referrals.listForService>>;
    try {
      page = await services.referrals.listForService(ctx, { ...filters, cursor });
    } catch (error) {
      if (error instanceof ValidationFailed) {
        const errors = error.errors.map((e) => ({ field: (FILTERS as readonly string[]).includes(e.field) ? e.field : 'results', message: e.message }));
        return reply.code(400).page(LIST, { ...data, errors });
      }
      throw error;
    }
    if (page.nextCursor) {
      const params = new URLSearchParams();
      for (const name of FILTERS) if (filters[name]) params.set(name, filters[name]);
      params.set('cursor', page.nextCursor);
      data.nextUrl = `/referrals?${params.toString()}`;
    }
    const now = Date.now();
    return reply.page(LIST, { ...data, items: page.items.map((item) => summaryRow(item, now)) });
  });

  app.get('/referrals/:id', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const id = referralIdParam(request);
    const data = await referralPage(ctx, id);
    const done = queryString(request.query, 'done');
    const message = Object.hasOwn(DONE_MESSAGES, done) ? DONE_MESSAGES[done]!(data.referral) : undefined;
    return reply.page(REFERRAL, { ...data, flash: message });
  });

  app.post('/referrals/:id/duplicate', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const id = referralIdParam(request);
    const values = formValues(request.body);
    let result: ReferralView;
    try {
      result = await services.referrals.decideDuplicate(ctx, id, { decision: values.decision, duplicateOf: values.duplicateOf });
    } catch (error) {
      return refused(reply, ctx, id, { action: 'duplicate' }, error);
    }
    const done = values.decision === 'kept-separate' ? 'kept-separate' : result.status === 'closed' && result.closedReason === 'duplicate' ? 'duplicate-declined' : 'duplicate-linked';
    return reply.redirect(`/referrals/${id}?done=${done}`, 303);
  });

  app.post('/referrals/:id/:action', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const id = referralIdParam(request);
    const action = (request.params as { action: string }).action as ReferralAction;
    if (!ACTIONS.includes(action)) throw new NotFound(`There is nothing at ${request.url.split('?')[0]}`);
    const values = formValues(request.body);
    const chosen: Chosen = { action, reason: values.reason, linkWorker: values.linkWorker, toOrganisation: values.toOrganisation, overrideReason: values.overrideReason };
    try {
      // The service takes any length of pause reason; the page keeps it to a sentence or two.
      if (action === 'pause' && (values.reason ?? '').trim().length > 500) throw ValidationFailed.field('reason', 'Reason for pausing must be 500 characters or fewer');
      await services.referrals.act(ctx, id, action, { reason: values.reason, linkWorker: values.linkWorker, toOrganisation: values.toOrganisation, overrideReason: values.overrideReason });
    } catch (error) {
      return refused(reply, ctx, id, chosen, error);
    }
    return reply.redirect(`/referrals/${id}?done=${ACTION_DONE_KEY[action]}`, 303);
  });
}
