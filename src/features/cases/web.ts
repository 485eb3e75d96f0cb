import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../platform/auth/policy.js';
import type { RequestContext } from '../../platform/context.js';
import { Conflict, Forbidden, NotFound, ValidationFailed } from '../../platform/errors.js';
import type { App } from '../../platform/http/app.js';
import { formValues, requireContext } from '../../platform/http/request.js';
import type { Services } from '../../services.js';
import { CLOSE_REASON_LABELS } from '../referrals/rules.js';
import { formatNhsNumber } from '../referrals/web-service.js';
import { casePolicy } from './policy.js';
import {
  CASE_CLOSE_REASON_LABELS,
  CASE_CLOSE_REASONS,
  CONTACT_TYPE_LABELS,
  CONTACT_TYPES,
  formatUnits,
  londonDay,
  type FirstContactState,
} from './rules.js';
import type { CaseSummary } from './service.js';

/**
 * The casework pages: my caseload, a case's overview, contacts, "what matters to me" (with a
 * printable plan for the person) and safety; the team lead's view; programme settings. Every page
 * works without JavaScript; every form re-renders with its errors on a 400.
 */

const VIEWS = 'features/cases/views';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const STATUS_LABELS = { open: 'Open', paused: 'Paused', closed: 'Closed' } as const;

const HISTORY_LABELS: Record<string, string> = {
  allocated: 'Allocated',
  paused: 'Paused',
  resumed: 'Resumed',
  closed: 'Closed',
  reopened: 'Reopened',
  'md-changed': 'Multiple-disadvantage status changed',
};

/** Messages after a redirect come from this fixed list, so a link can never put words on the page. */
const DONE: Record<string, string> = {
  paused: 'Case paused. Its history is kept; resume it at any time.',
  resumed: 'Case resumed.',
  closed: 'Case closed. The referrer sees a neutral closure that says it does not affect the person’s care.',
  reopened: 'Case reopened, with all its history.',
  md: 'Multiple-disadvantage status changed; the reason is in the history.',
  contact: 'Contact logged.',
  plan: 'What matters saved.',
  safety: 'Safety flags saved.',
  concern: 'Safeguarding concern logged.',
  allocated: 'Allocated.',
  capacity: 'Capacity saved.',
  settings: 'Programme settings saved.',
};

function idParam(request: FastifyRequest): string {
  const { id } = request.params as { id: string };
  if (!UUID.test(id)) throw new NotFound('There is no such case');
  return id.toLowerCase();
}

function queryString(query: unknown, name: string): string {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

function flashFrom(request: FastifyRequest): string | undefined {
  const done = queryString(request.query, 'done');
  return Object.hasOwn(DONE, done) ? DONE[done] : undefined;
}

/** "Due 30 November 2026", "3 days overdue", "Made 24 November 2026" — the date formatting is the template's. */
function firstContactLabel(state: FirstContactState): { text: string; date: string | null; overdue: boolean } {
  switch (state.state) {
    case 'made':
      return { text: 'Made', date: state.on, overdue: false };
    case 'due':
      return { text: 'Due', date: state.due, overdue: false };
    case 'overdue':
      return { text: `Overdue by ${state.daysOverdue} ${state.daysOverdue === 1 ? 'day' : 'days'}: was due`, date: state.due, overdue: true };
    case 'not-allocated':
      return { text: 'Not allocated yet', date: null, overdue: false };
  }
}

function summaryRow(item: CaseSummary) {
  return { ...item, statusLabel: STATUS_LABELS[item.status], firstContactLabel: firstContactLabel(item.firstContact) };
}

/** A case closed from casework has casework's reason; one closed from the referral page, the referral's. */
function closedReasonLabel(reason: string | null): string | null {
  if (!reason) return null;
  return (CASE_CLOSE_REASON_LABELS as Record<string, string>)[reason] ?? (CLOSE_REASON_LABELS as Record<string, string>)[reason] ?? reason;
}

function closeItems(checked?: string) {
  return CASE_CLOSE_REASONS.map((reason) => ({ value: reason, text: CASE_CLOSE_REASON_LABELS[reason], checked: reason === checked }));
}

export async function caseWebRoutes(app: App, services: Services): Promise<void> {
  /** What every case page needs; reading it writes the `case.viewed` audit event for that part. */
  async function caseData(ctx: RequestContext, id: string, part: string) {
    const view = await services.cases.get(ctx, id, part);
    return {
      title: `${view.header.person.displayName} – ${part === 'overview' ? 'case' : part}`,
      caseHeader: { ...view.header, person: { ...view.header.person, nhsNumber: view.header.person.nhsNumber ? formatNhsNumber(view.header.person.nhsNumber) : null } },
      casePart: part,
      view,
      firstContactLabel: firstContactLabel(view.firstContact),
      statusLabel: STATUS_LABELS[view.header.status],
      closedReasonLabel: closedReasonLabel(view.closedReason),
    };
  }

  async function overviewData(ctx: RequestContext, id: string, values: Record<string, string> = {}) {
    const data = await caseData(ctx, id, 'overview');
    const workers = data.view.isTeamLead && data.view.header.status !== 'closed' ? await services.referrals.linkWorkers(ctx) : [];
    const selected = values.linkWorker ?? data.view.header.linkWorker?.id;
    return {
      ...data,
      values,
      workerItems: [{ value: '', text: 'Choose a link worker' }, ...workers.map((w) => ({ value: w.id, text: w.name, selected: w.id === selected }))],
      closeItems: closeItems(values.closeReason),
      history: data.view.history.map((h) => ({
        ...h,
        label: HISTORY_LABELS[h.kind] ?? h.kind,
        closeReasonLabel: closedReasonLabel(h.closeReason),
        loadText: h.loadAfter !== null && h.capacity !== null ? `${formatUnits(h.loadAfter)} of ${formatUnits(h.capacity)} units` : null,
      })),
      previousCases: data.view.previousCases.map((p) => ({
        ...p,
        statusLabel: STATUS_LABELS[p.status],
        closedReasonLabel: closedReasonLabel(p.closedReason),
      })),
      today: londonDay(new Date()),
    };
  }

  /** A refused form: 400 with field errors (ids prefixed by the form), or 409 naming the current state. */
  async function refused(reply: FastifyReply, error: unknown, render: () => Promise<{ template: string; data: Record<string, unknown> }>, prefix = '') {
    if (error instanceof ValidationFailed) {
      const errors = error.errors.map((e) => ({ field: `${prefix}${e.field}`, message: e.message }));
      const { template, data } = await render();
      return reply.code(400).page(template, { ...data, errors });
    }
    if (error instanceof Conflict || error instanceof Forbidden) {
      const { template, data } = await render();
      return reply.code(error instanceof Conflict ? 409 : 403).page(template, { ...data, errors: [{ field: 'maincontent', message: error.message }] });
    }
    throw error;
  }

  // ------------------------------------------------------------------------------------------
  // My caseload

  app.get('/cases', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const teamLead = can(ctx, casePolicy, 'manage-team');
    const filters = {
      who: queryString(request.query, 'who') || 'mine',
      status: queryString(request.query, 'status'),
      firstContact: queryString(request.query, 'firstContact'),
      multipleDisadvantage: queryString(request.query, 'multipleDisadvantage'),
    };
    const data = { title: filters.who === 'all' ? 'All cases' : 'My caseload', filters, teamLead, items: [] as unknown[], counts: { open: 0, paused: 0, closed: 0 } };
    try {
      const result = await services.cases.list(ctx, {
        mine: filters.who !== 'all',
        status: filters.status,
        firstContact: filters.firstContact,
        multipleDisadvantage: filters.multipleDisadvantage,
      });
      return reply.page(`${VIEWS}/caseload.njk`, { ...data, items: result.items.map(summaryRow), counts: result.counts });
    } catch (error) {
      if (error instanceof ValidationFailed) return reply.code(400).page(`${VIEWS}/caseload.njk`, { ...data, errors: error.errors });
      throw error;
    }
  });

  // ------------------------------------------------------------------------------------------
  // Overview: status, next action, sessions, first contact, pause/resume/close/reopen, MD status

  app.get('/cases/:id', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    return reply.page(`${VIEWS}/overview.njk`, { ...(await overviewData(ctx, idParam(request))), flash: flashFrom(request) });
  });

  const overviewActions: Record<string, { done: string; run: (ctx: RequestContext, id: string, values: Record<string, string>) => Promise<unknown>; prefix: string }> = {
    pause: { done: 'paused', prefix: 'pause-', run: (ctx, id, v) => services.cases.pause(ctx, id, { reason: v.reason, reviewDate: v.reviewDate }) },
    resume: { done: 'resumed', prefix: 'resume-', run: (ctx, id) => services.cases.resume(ctx, id) },
    close: { done: 'closed', prefix: 'close-', run: (ctx, id, v) => services.cases.close(ctx, id, { reason: v.reason }) },
    reopen: { done: 'reopened', prefix: 'reopen-', run: (ctx, id, v) => services.cases.reopen(ctx, id, { reason: v.reason }) },
    allocate: { done: 'allocated', prefix: 'allocate-', run: (ctx, id, v) => services.cases.allocate(ctx, id, { linkWorker: v.linkWorker, overrideReason: v.overrideReason }) },
    'multiple-disadvantage': {
      done: 'md',
      prefix: 'md-',
      run: (ctx, id, v) => services.cases.setMultipleDisadvantage(ctx, id, { multipleDisadvantage: v.multipleDisadvantage, reason: v.mdReason }),
    },
  };

  app.post('/cases/:id/:action', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const id = idParam(request);
    const name = (request.params as { action: string }).action;
    if (!Object.hasOwn(overviewActions, name)) throw new NotFound(`There is nothing at ${request.url.split('?')[0]}`);
    const action = overviewActions[name]!;
    const values = formValues(request.body) as Record<string, string>;
    try {
      await action.run(ctx, id, values);
    } catch (error) {
      const kept = { ...values, ...(name === 'close' ? { closeReason: values.reason } : {}), ...(name === 'pause' ? { pauseReason: values.reason } : {}), ...(name === 'reopen' ? { reopenReason: values.reason } : {}) };
      return refused(reply, error, async () => ({ template: `${VIEWS}/overview.njk`, data: await overviewData(ctx, id, kept) }), action.prefix);
    }
    return reply.redirect(`/cases/${id}?done=${action.done}`, 303);
  });

  // ------------------------------------------------------------------------------------------
  // Contacts

  async function contactsData(ctx: RequestContext, id: string, values: Record<string, string> = {}) {
    const data = await caseData(ctx, id, 'contacts');
    return {
      ...data,
      values,
      typeItems: CONTACT_TYPES.map((type) => ({ value: type, text: CONTACT_TYPE_LABELS[type], checked: values.type === type })),
      contacts: data.view.contacts.map((c) => ({ ...c, typeLabel: CONTACT_TYPE_LABELS[c.type] })),
      today: londonDay(new Date()),
    };
  }

  app.get('/cases/:id/contacts', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    return reply.page(`${VIEWS}/contacts.njk`, { ...(await contactsData(ctx, idParam(request))), flash: flashFrom(request) });
  });

  app.post('/cases/:id/contacts', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const id = idParam(request);
    const values = formValues(request.body) as Record<string, string>;
    try {
      await services.cases.addContact(ctx, id, values);
    } catch (error) {
      return refused(reply, error, async () => ({ template: `${VIEWS}/contacts.njk`, data: await contactsData(ctx, id, values) }));
    }
    return reply.redirect(`/cases/${id}/contacts?done=contact`, 303);
  });

  // ------------------------------------------------------------------------------------------
  // What matters to me, and the printable plan

  async function planData(ctx: RequestContext, id: string, part: string, values?: { needs: string[]; strengths: string; goals: string }) {
    const data = await caseData(ctx, id, part);
    const needs = await services.referrals.listNeeds();
    const chosen = new Set(values?.needs ?? data.view.needs.map((n) => n.code));
    return {
      ...data,
      needItems: needs.map((n) => ({ value: n.code, text: n.label, checked: chosen.has(n.code) })),
      strengthsText: values?.strengths ?? data.view.strengths.join('\n'),
      goalsText: values?.goals ?? data.view.goals.join('\n'),
      printedOn: londonDay(new Date()),
    };
  }

  app.get('/cases/:id/plan', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    return reply.page(`${VIEWS}/plan.njk`, { ...(await planData(ctx, idParam(request), 'plan')), flash: flashFrom(request) });
  });

  app.post('/cases/:id/plan', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const id = idParam(request);
    const values = formValues(request.body) as Record<string, string | string[]>;
    const needs = Array.isArray(values.needs) ? values.needs : values.needs ? [values.needs] : [];
    try {
      await services.cases.saveWhatMatters(ctx, id, { needs, strengths: values.strengths, goals: values.goals });
    } catch (error) {
      const kept = { needs, strengths: String(values.strengths ?? ''), goals: String(values.goals ?? '') };
      return refused(reply, error, async () => ({ template: `${VIEWS}/plan.njk`, data: await planData(ctx, id, 'plan', kept) }));
    }
    return reply.redirect(`/cases/${id}/plan?done=plan`, 303);
  });

  /** The personalised care and support plan to print or give the person: their words, nothing staff-only. */
  app.get('/cases/:id/plan/print', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const data = await planData(ctx, idParam(request), 'plan-print');
    return reply.page(`${VIEWS}/plan-print.njk`, { ...data, title: `${data.caseHeader.person.displayName} – my plan` });
  });

  // ------------------------------------------------------------------------------------------
  // Safety

  async function safetyData(ctx: RequestContext, id: string, safetyValues?: Record<string, string>, concernValues: Record<string, string> = {}) {
    const data = await caseData(ctx, id, 'safety');
    const s = data.view.safety;
    return {
      ...data,
      safetyValues: safetyValues ?? { risk: s.risk ? 'yes' : '', riskNote: s.riskNote ?? '', loneWorking: s.loneWorking ? 'yes' : '', loneWorkingNote: s.loneWorkingNote ?? '' },
      concernValues,
      today: londonDay(new Date()),
    };
  }

  app.get('/cases/:id/safety', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    return reply.page(`${VIEWS}/safety.njk`, { ...(await safetyData(ctx, idParam(request))), flash: flashFrom(request) });
  });

  app.post('/cases/:id/safety', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const id = idParam(request);
    const values = formValues(request.body) as Record<string, string>;
    try {
      await services.cases.saveSafety(ctx, id, values);
    } catch (error) {
      return refused(reply, error, async () => ({ template: `${VIEWS}/safety.njk`, data: await safetyData(ctx, id, values) }));
    }
    return reply.redirect(`/cases/${id}/safety?done=safety`, 303);
  });

  app.post('/cases/:id/safety/concerns', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const id = idParam(request);
    const values = formValues(request.body) as Record<string, string>;
    try {
      await services.cases.addConcern(ctx, id, values);
    } catch (error) {
      return refused(reply, error, async () => ({ template: `${VIEWS}/safety.njk`, data: await safetyData(ctx, id, undefined, values) }), 'concern-');
    }
    return reply.redirect(`/cases/${id}/safety?done=concern`, 303);
  });

  // ------------------------------------------------------------------------------------------
  // Team lead: loads, conversations, waiting list, allocation and capacity

  async function teamData(ctx: RequestContext, chosen: { caseId?: string; linkWorker?: string; overrideReason?: string } = {}) {
    const team = await services.cases.team(ctx);
    return {
      title: 'Team caseloads',
      team: {
        ...team,
        workers: team.workers.map((w) => ({ ...w, loadText: formatUnits(w.load), capacityText: formatUnits(w.capacity) })),
      },
      chosen,
      workerItems: (selected?: string) => [{ value: '', text: 'Choose a link worker' }, ...team.workers.map((w) => ({ value: w.id, text: `${w.name} (${formatUnits(w.load)} of ${formatUnits(w.capacity)} units)`, selected: w.id === selected }))],
    };
  }

  app.get('/team', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    return reply.page(`${VIEWS}/team.njk`, { ...(await teamData(ctx)), flash: flashFrom(request) });
  });

  app.post('/team/cases/:id/allocate', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const id = idParam(request);
    const values = formValues(request.body) as Record<string, string>;
    try {
      await services.cases.allocate(ctx, id, { linkWorker: values.linkWorker, overrideReason: values.overrideReason });
    } catch (error) {
      const chosen = { caseId: id, linkWorker: values.linkWorker, overrideReason: values.overrideReason };
      return refused(reply, error, async () => ({ template: `${VIEWS}/team.njk`, data: await teamData(ctx, chosen) }), `allocate-${id}-`);
    }
    return reply.redirect('/team?done=allocated', 303);
  });

  app.post('/team/capacity/:id', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const { id } = request.params as { id: string };
    const values = formValues(request.body) as Record<string, string>;
    try {
      await services.cases.setCapacity(ctx, id, values.capacity);
    } catch (error) {
      return refused(reply, error, async () => ({ template: `${VIEWS}/team.njk`, data: await teamData(ctx) }), `capacity-${id}-`);
    }
    return reply.redirect('/team?done=capacity', 303);
  });

  // ------------------------------------------------------------------------------------------
  // Programme settings (administrators and team leads)

  async function settingsData(ctx: RequestContext, edited: { id?: string; values?: Record<string, string> } = {}) {
    const programmes = await services.cases.listSettings(ctx);
    return {
      title: 'Programme settings',
      programmes: programmes.map((p) => {
        const s = p.settings;
        const values =
          edited.id === p.id && edited.values
            ? edited.values
            : {
                sessionCap: s.sessionCap === null ? '' : String(s.sessionCap),
                mdExemptFromCap: s.mdExemptFromCap ? 'yes' : '',
                weightStandard: String(s.weightStandard),
                weightMd: String(s.weightMd),
                defaultCapacity: String(s.defaultCapacity),
                firstContactWorkingDays: String(s.firstContactWorkingDays),
                attemptsBeforeReview: String(s.attemptsBeforeReview),
              };
        return { ...p, values, prefix: `settings-${p.id}-` };
      }),
    };
  }

  app.get('/admin/programme-settings', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    return reply.page(`${VIEWS}/settings.njk`, { ...(await settingsData(ctx)), flash: flashFrom(request) });
  });

  app.post('/admin/programme-settings/:id', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const { id } = request.params as { id: string };
    const values = formValues(request.body) as Record<string, string>;
    try {
      await services.cases.saveSettings(ctx, id, values);
    } catch (error) {
      return refused(reply, error, async () => ({ template: `${VIEWS}/settings.njk`, data: await settingsData(ctx, { id, values }) }), `settings-${id}-`);
    }
    return reply.redirect('/admin/programme-settings?done=settings', 303);
  });
}
