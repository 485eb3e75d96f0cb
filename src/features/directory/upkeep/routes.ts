import type { FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../../platform/auth/policy.js';
import type { RequestContext } from '../../../platform/context.js';
import { SERVICE_STATUSES } from '../../../platform/db/directory-schema.js';
import { Conflict, ValidationFailed } from '../../../platform/errors.js';
import type { App } from '../../../platform/http/app.js';
import { formValues, handleForm, requireContext } from '../../../platform/http/request.js';
import type { Services } from '../../../services.js';
import { SERVICE_ATTRIBUTES } from '../taxonomy.js';
import { upkeepPolicy } from './policy.js';
import { ATTRIBUTE_LABELS, DETAIL_FIELDS, listOf, STATUS_LABELS, type ServiceDetails } from './rules.js';
import type { ChangeStatus } from './schema.js';
import type { ProposalOutcome, ProviderServiceView } from './service.js';

const VIEWS = 'features/directory/upkeep/views';
const LIST = `${VIEWS}/provider-list.njk`;
const EDIT = `${VIEWS}/provider-edit.njk`;
const CURATION = `${VIEWS}/curation.njk`;
const CHANGE = `${VIEWS}/change.njk`;

/** Messages after a redirect come from these fixed lists, so a link can never put words on a page. */
const PROVIDER_DONE: Record<ProposalOutcome, string> = {
  pending: 'Your changes have been sent. They are waiting for approval by the directory’s team and will appear once approved.',
  applied: 'Your changes have been saved and are in the directory now.',
  verified: 'Thank you. The details are marked as checked today.',
  withdrawn: 'Your waiting changes have been withdrawn. The directory entry stays as it was.',
  unchanged: 'Nothing was changed.',
};
const CURATION_DONE: Record<string, string> = {
  approved: 'The change was approved and is in the directory now.',
  rejected: 'The change was rejected. The provider can see this, with your reason if you gave one.',
  'approval-on': 'Providers’ changes now need approval before they appear in the directory.',
  'approval-off': 'Providers’ changes now appear in the directory at once. You can still see each change here.',
};

export const CHANGE_STATUS_TAGS: Record<ChangeStatus, { text: string; colour: string }> = {
  pending: { text: 'Waiting for approval', colour: 'blue' },
  approved: { text: 'Approved', colour: 'green' },
  applied: { text: 'Saved', colour: 'green' },
  rejected: { text: 'Not accepted', colour: 'orange' },
  withdrawn: { text: 'Withdrawn', colour: 'grey' },
};

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
const DATE_TIME = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });

function doneMessage(request: FastifyRequest, messages: Record<string, string>): string | undefined {
  const done = (request.query as Record<string, unknown>).done;
  return typeof done === 'string' && Object.hasOwn(messages, done) ? messages[done] : undefined;
}

function param(request: FastifyRequest, name: string): string {
  return String((request.params as Record<string, string>)[name] ?? '');
}

/** What the form shows: the details as text, ages as typed. */
type FormValues = Record<string, string> & { attributes?: string[] };

function formFrom(details: ServiceDetails): FormValues {
  const values: FormValues = {};
  for (const field of DETAIL_FIELDS) {
    if (field === 'attributes') continue;
    const value = details[field];
    values[field] = value === null || value === undefined ? '' : String(value);
  }
  values.attributes = [...details.attributes];
  return values;
}

function formFromBody(body: unknown): FormValues {
  const values: FormValues = { ...formValues(body) };
  values.attributes = listOf((body as Record<string, unknown> | undefined)?.attributes);
  return values;
}

function statusItems(checked: string | undefined) {
  return SERVICE_STATUSES.map((status) => ({ value: status, text: STATUS_LABELS[status], checked: status === checked }));
}

function attributeItems(checked: readonly string[]) {
  return SERVICE_ATTRIBUTES.map((code) => ({ value: code, text: ATTRIBUTE_LABELS[code], checked: checked.includes(code) }));
}

function editData(view: ProviderServiceView, values: FormValues, confirm: boolean, basis = view.basis) {
  return {
    title: `Update ${view.service.name}`,
    view,
    values,
    basis,
    confirm,
    statuses: statusItems(values.status),
    attributes: attributeItems(values.attributes ?? []),
    statusTags: CHANGE_STATUS_TAGS,
  };
}

export async function directoryUpkeepRoutes(app: App, services: Services): Promise<void> {
  const upkeep = services.directoryUpkeep;

  app.get('/provider/services', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const items = await upkeep.listForProvider(ctx);
    return reply.page(LIST, { title: 'Your services', items, flash: doneMessage(request, PROVIDER_DONE) });
  });

  app.get('/provider/services/:serviceId/edit', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const view = await upkeep.getForProvider(ctx, param(request, 'serviceId'));
    const values = formFrom(view.pending ? view.pending.proposed : view.live);
    return reply.page(EDIT, { ...editData(view, values, view.pending?.confirmVerified ?? false), flash: doneMessage(request, PROVIDER_DONE) });
  });

  /** On a 409 the page is shown again with the entry as it is now, and what the person typed. */
  async function conflictPage(reply: FastifyReply, ctx: RequestContext, serviceId: string, error: Conflict, values: FormValues | null, confirm: boolean) {
    const view = await upkeep.getForProvider(ctx, serviceId);
    const shown = values ?? formFrom(view.pending ? view.pending.proposed : view.live);
    return reply.code(409).page(EDIT, { ...editData(view, shown, confirm), errors: [{ field: values ? 'details' : 'confirm-still-correct', message: error.message }] });
  }

  app.post('/provider/services/:serviceId/edit', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const serviceId = param(request, 'serviceId');
    const values = formFromBody(request.body);
    const confirm = values.confirm === 'yes';
    const basis = typeof values.basis === 'string' ? values.basis : undefined;
    try {
      const { outcome } = await upkeep.propose(ctx, serviceId, { ...values }, { confirm, basis });
      return reply.redirect(`/provider/services/${encodeURIComponent(serviceId.toLowerCase())}/edit?done=${outcome}`, 303);
    } catch (error) {
      if (error instanceof ValidationFailed) {
        const view = await upkeep.getForProvider(ctx, serviceId);
        return reply.code(400).page(EDIT, { ...editData(view, values, confirm, basis), errors: error.errors });
      }
      if (error instanceof Conflict) return conflictPage(reply, ctx, serviceId, error, values, confirm);
      throw error;
    }
  });

  app.post('/provider/services/:serviceId/confirm', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const serviceId = param(request, 'serviceId');
    const { basis } = formValues(request.body);
    try {
      await upkeep.confirmStillCorrect(ctx, serviceId, { basis });
    } catch (error) {
      if (error instanceof Conflict) return conflictPage(reply, ctx, serviceId, error, null, false);
      throw error;
    }
    return reply.redirect(`/provider/services/${encodeURIComponent(serviceId.toLowerCase())}/edit?done=verified`, 303);
  });

  async function curationData(ctx: RequestContext) {
    const view = await upkeep.curation(ctx);
    return {
      title: 'Directory curation',
      view,
      statusTags: CHANGE_STATUS_TAGS,
      canChangeSettings: can(ctx, upkeepPolicy, 'change-settings'),
      approvalItems: [
        { value: 'yes', text: 'Yes, a team lead or administrator approves each change first', checked: view.changesNeedApproval },
        { value: 'no', text: 'No, changes appear at once (you can still see each one)', checked: !view.changesNeedApproval },
      ],
    };
  }

  app.get('/directory/curation', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    return reply.page(CURATION, { ...(await curationData(ctx)), flash: doneMessage(request, CURATION_DONE) });
  });

  app.post('/directory/curation/settings', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const { changesNeedApproval } = formValues(request.body);
    const data = await curationData(ctx);
    return handleForm(reply, { template: CURATION, data }, async () => {
      const on = await upkeep.setChangesNeedApproval(ctx, changesNeedApproval);
      return reply.redirect(`/directory/curation?done=${on ? 'approval-on' : 'approval-off'}`, 303);
    });
  });

  async function changeData(ctx: RequestContext, changeId: string) {
    const change = await upkeep.getChange(ctx, changeId);
    const row = (key: string, value: string) => ({ key: { text: key }, value: { text: value } });
    const summaryRows = [
      row('Sent by', [change.proposedByName ?? 'Unknown', change.provider].filter(Boolean).join(', ')),
      row('Sent', DATE_TIME.format(change.proposedAt)),
      row('Details confirmed correct', change.confirmVerified && change.confirmedOn ? `Yes, on ${DATE.format(new Date(`${change.confirmedOn}T12:00:00Z`))}` : 'No'),
    ];
    if (change.decidedAt) summaryRows.push(row('Decided', `${DATE_TIME.format(change.decidedAt)}${change.decidedByName ? ` by ${change.decidedByName}` : ''}`));
    if (change.note) summaryRows.push(row('Reason given', change.note));
    return { title: `Changes to ${change.service.name}`, change, summaryRows, statusTag: CHANGE_STATUS_TAGS[change.status], values: {} as Record<string, string> };
  }

  app.get('/directory/curation/changes/:changeId', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    return reply.page(CHANGE, await changeData(ctx, param(request, 'changeId')));
  });

  app.post('/directory/curation/changes/:changeId/approve', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const changeId = param(request, 'changeId');
    try {
      await upkeep.approve(ctx, changeId);
    } catch (error) {
      if (error instanceof Conflict) {
        return reply.code(409).page(CHANGE, { ...(await changeData(ctx, changeId)), errors: [{ field: 'approve', message: error.message }] });
      }
      throw error;
    }
    return reply.redirect('/directory/curation?done=approved', 303);
  });

  app.post('/directory/curation/changes/:changeId/reject', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const changeId = param(request, 'changeId');
    const { note } = formValues(request.body);
    try {
      await upkeep.reject(ctx, changeId, note);
    } catch (error) {
      if (error instanceof ValidationFailed) {
        return reply.code(400).page(CHANGE, { ...(await changeData(ctx, changeId)), values: { note: note ?? '' }, errors: error.errors });
      }
      if (error instanceof Conflict) {
        return reply.code(409).page(CHANGE, { ...(await changeData(ctx, changeId)), errors: [{ field: 'reject', message: error.message }] });
      }
      throw error;
    }
    return reply.redirect('/directory/curation?done=rejected', 303);
  });
}
