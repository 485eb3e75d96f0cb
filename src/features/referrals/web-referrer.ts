import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorize, can } from '../../platform/auth/policy.js';
import type { RequestContext } from '../../platform/context.js';
import { PREFERRED_CONTACT, type PreferredContact } from '../../platform/db/schema.js';
import { NotFound, TooManyRequests, ValidationFailed, type FieldError } from '../../platform/errors.js';
import type { App } from '../../platform/http/app.js';
import { requireContext } from '../../platform/http/request.js';
import type { Services } from '../../services.js';
import { referralPolicy } from './policy.js';
import {
  MULTIPLE_DISADVANTAGE,
  MULTIPLE_DISADVANTAGE_LABELS,
  NEUTRAL_STATUS_LABELS,
  PREFERRED_CONTACT_LABELS,
  validateReferral,
  type NeutralStatus,
} from './rules.js';
import type { ReferralReceiptView, ReferralRequest } from './service.js';

/*
 * Intake channels 1 (a signed-in referrer's form) and 3 (self-referral), and the referrer's closed
 * loop: a list and a view of neutral receipts. Every field's id is the service's field name
 * (`person.givenName`), so the layout's error summary links land on the input that needs fixing.
 */

const FORM = 'features/referrals/views/referrer/form.njk';
const CHECK = 'features/referrals/views/referrer/check.njk';
const SENT = 'features/referrals/views/referrer/sent.njk';
const LIST = 'features/referrals/views/referrer/list.njk';
const VIEW = 'features/referrals/views/referrer/view.njk';
const SELF_SERVICES = 'features/referrals/views/self/services.njk';
const SELF_FORM = 'features/referrals/views/self/form.njk';
const SELF_SENT = 'features/referrals/views/self/sent.njk';

/** Single-valued fields of the referral form, in the order they appear (errors are listed in this order too). */
const FIELDS = [
  'toOrganisation',
  'person.givenName',
  'person.familyName',
  'dob-day',
  'dob-month',
  'dob-year',
  'person.nhsNumber',
  'person.postcode',
  'person.noFixedAbode',
  'person.preferredContact',
  'person.phone',
  'person.email',
  'person.contactNotes',
  'person.safeToLeaveMessage',
  'reason',
  'urgency',
  'consent.given',
  'person.preferredName',
  'person.interpreterLanguage',
  'person.accessibilityNeeds',
  'riskNotes',
] as const;
const LIST_FIELDS = ['needs', 'multipleDisadvantage'] as const;
const ERROR_ORDER = [
  'toOrganisation', 'programme', 'person.givenName', 'person.familyName', 'person.dateOfBirth', 'person.nhsNumber', 'person.postcode',
  'person.noFixedAbode', 'person.preferredContact', 'person.phone', 'person.email', 'person.contactNotes', 'person.safeToLeaveMessage',
  'reason', 'needs', 'urgency', 'consent.given', 'consent.by', 'consent.method', 'person.preferredName', 'person.interpreterLanguage',
  'person.accessibilityNeeds', 'multipleDisadvantage', 'riskNotes',
];

/** The optional "more details" section: shown open when any of these has an answer or a problem. */
const EXTRA_FIELDS = ['person.preferredName', 'person.interpreterLanguage', 'person.accessibilityNeeds', 'multipleDisadvantage', 'riskNotes'];

type Field = (typeof FIELDS)[number];
type ListField = (typeof LIST_FIELDS)[number];

/** What the person filling in the form typed: strings exactly as sent, lists for checkbox groups. */
export interface FormState {
  values: Record<Field, string>;
  lists: Record<ListField, string[]>;
}

const MAX_FIELD = 10_000;

function one(raw: unknown): string {
  const value = Array.isArray(raw) ? raw.find((v) => typeof v === 'string') : raw;
  return typeof value === 'string' ? value.slice(0, MAX_FIELD) : '';
}

function many(raw: unknown): string[] {
  const values = Array.isArray(raw) ? raw : [raw];
  return [...new Set(values.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim().slice(0, 200)))].slice(0, 50);
}

export function readForm(body: unknown): FormState {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const values = {} as Record<Field, string>;
  for (const field of FIELDS) values[field] = one(source[field]);
  return { values, lists: { needs: many(source.needs), multipleDisadvantage: many(source.multipleDisadvantage) } };
}

/**
 * Day, month and year boxes as one `YYYY-MM-DD`, or the NHS.UK pattern's message for what is
 * missing. All three empty gives '' so the shared rules say "Enter … date of birth".
 */
export function combineDate(dayRaw: string, monthRaw: string, yearRaw: string): { value: string; error?: string } {
  const day = dayRaw.trim();
  const month = monthRaw.trim();
  const year = yearRaw.trim();
  if (!day && !month && !year) return { value: '' };
  const missing = [!day && 'day', !month && 'month', !year && 'year'].filter(Boolean);
  if (missing.length) return { value: '', error: `Date of birth must include a ${missing.join(' and a ')}` };
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month)) return { value: '', error: 'Date of birth must be a real date' };
  if (!/^\d{4}$/.test(year)) return { value: '', error: 'Year must include 4 numbers' };
  const iso = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) return { value: '', error: 'Date of birth must be a real date' };
  return { value: iso };
}

/** The same request the JSON API would send, built from the form. */
export function toRequest(form: FormState, dateOfBirth: string, toOrganisation = form.values.toOrganisation): ReferralRequest {
  const v = form.values;
  return {
    toOrganisation,
    person: {
      givenName: v['person.givenName'],
      familyName: v['person.familyName'],
      preferredName: v['person.preferredName'],
      dateOfBirth,
      nhsNumber: v['person.nhsNumber'],
      postcode: v['person.postcode'],
      noFixedAbode: v['person.noFixedAbode'] === 'yes',
      phone: v['person.phone'],
      email: v['person.email'],
      safeToLeaveMessage: v['person.safeToLeaveMessage'] === 'yes',
      preferredContact: v['person.preferredContact'],
      contactNotes: v['person.contactNotes'],
      interpreterLanguage: v['person.interpreterLanguage'],
      accessibilityNeeds: v['person.accessibilityNeeds'],
    },
    reason: v.reason,
    needs: form.lists.needs,
    multipleDisadvantage: form.lists.multipleDisadvantage,
    riskNotes: v.riskNotes,
    consent: { given: v['consent.given'] === 'yes' },
    urgency: v.urgency,
  };
}

function sortErrors(errors: FieldError[]): FieldError[] {
  const rank = (field: string) => {
    const index = ERROR_ORDER.indexOf(field);
    return index === -1 ? ERROR_ORDER.length : index;
  };
  const seen = new Set<string>();
  return [...errors]
    .sort((a, b) => rank(a.field) - rank(b.field))
    .filter((e) => (seen.has(e.field) ? false : (seen.add(e.field), true)));
}

/** Keeps the date boxes' own message (more precise) over the shared rules' one for the same field. */
function mergeDateError(errors: FieldError[], dateError: string | undefined): FieldError[] {
  if (!dateError) return errors;
  return [{ field: 'person.dateOfBirth', message: dateError }, ...errors.filter((e) => e.field !== 'person.dateOfBirth')];
}

/** Answers carried from page to page as hidden fields: nothing is stored until the referral is sent. */
function hiddenFields(form: FormState): { name: string; value: string }[] {
  const hidden: { name: string; value: string }[] = [];
  for (const field of FIELDS) if (form.values[field] !== '') hidden.push({ name: field, value: form.values[field] });
  for (const field of LIST_FIELDS) for (const value of form.lists[field]) hidden.push({ name: field, value });
  return hidden;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const STATUS_COLOURS: Record<NeutralStatus, string> = { received: 'blue', 'in-progress': 'aqua-green', closed: 'grey' };

function receiptForPage(receipt: ReferralReceiptView) {
  return {
    ...receipt,
    statusLabel: NEUTRAL_STATUS_LABELS[receipt.status],
    statusColour: STATUS_COLOURS[receipt.status],
  };
}

function nhsNumberForDisplay(raw: string): string {
  const digits = raw.replace(/\D/g, '');
  return digits.length === 10 ? `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}` : raw.trim();
}

// ---------------------------------------------------------------------------------------------
// Self-referral wording: the shared rules speak to a referrer ("their"); a person reads "your".

const SELF_MESSAGES: Record<string, string> = {
  'Enter their first name': 'Enter your first name',
  'Enter their last name': 'Enter your last name',
  'Enter their date of birth': 'Enter your date of birth',
  'Enter their postcode, or say they have no fixed address': 'Enter your postcode, or tick ‘I do not have a fixed address’',
  'Choose how they would like to be contacted': 'Choose how you would like us to contact you',
  'Enter a phone number, or choose another way to contact them': 'Enter your phone number, or choose another way for us to contact you',
  'Enter an email address, or choose another way to contact them': 'Enter your email address, or choose another way for us to contact you',
  'Say who to contact and how, for example the hostel key worker’s phone number':
    'Tell us who to contact and how, for example your support worker’s name and phone number',
  'Enter the reason for the referral, in a sentence or two': 'Tell us what you would like help with, in your own words',
  'The person must agree to the referral before it is sent': 'Tick the box to say you agree, so that we can get in touch with you',
  'Reason must be 4,000 characters or fewer': 'What you would like help with must be 4,000 characters or fewer',
};

function forPerson(errors: FieldError[]): FieldError[] {
  return errors.map((e) => ({
    field: e.field,
    message: SELF_MESSAGES[e.message] ?? e.message.replace(/\btheir\b/g, 'your').replace(/\bthey\b/g, 'you').replace(/\bthem\b/g, 'you'),
  }));
}

/** Needs in the words a person might use about themselves. Codes without an entry show their label. */
const SELF_NEED_WORDS: Record<string, string> = {
  'social-isolation': 'Feeling lonely or cut off from people',
  'mental-wellbeing': 'Feeling low, worried or stressed',
  'physical-activity': 'Being more active',
  'money-and-debt': 'Money worries or debt',
  benefits: 'Help with benefits',
  housing: 'Housing, or having nowhere to live',
  employment: 'Finding work or volunteering',
  'education-and-skills': 'Learning something new',
  food: 'Getting enough food',
  carers: 'Looking after someone',
  'drug-and-alcohol': 'Drink or drugs',
  'domestic-abuse': 'Someone hurting, controlling or frightening you',
  legal: 'A legal problem',
  'digital-skills': 'Using a phone, computer or the internet',
  bereavement: 'Losing someone close to you',
  'arts-and-creativity': 'Art, music or making things',
  'nature-and-green-space': 'Getting outdoors, nature or gardening',
};

/** How a person can ask to be contacted. A letter needs a full address, which this form does not ask for. */
const SELF_CONTACT: { value: PreferredContact; text: string }[] = [
  { value: 'phone', text: 'Phone call' },
  { value: 'text', text: 'Text message' },
  { value: 'email', text: 'Email' },
  { value: 'via-someone-else', text: 'Through someone else, like a support worker, friend or family member' },
];

const SELF_CONTACT_DONE: Record<string, string> = {
  phone: 'by phone',
  text: 'by text message',
  email: 'by email',
  'via-someone-else': 'through the person you told us about',
};

export async function referrerRoutes(app: App, services: Services): Promise<void> {
  const referrals = services.referrals;

  async function formChoices(form: FormState) {
    const [serviceList, needs] = await Promise.all([referrals.listServices(), referrals.listNeeds()]);
    const chosen = form.values.toOrganisation || (serviceList.length === 1 ? serviceList[0]!.slug : '');
    return {
      serviceList,
      serviceItems: serviceList.map((s) => ({ value: s.slug, text: s.name, checked: s.slug === chosen, selected: s.slug === chosen })),
      serviceAsSelect: serviceList.length > 8,
      needItems: needs.map((n) => ({ value: n.code, text: n.label, checked: form.lists.needs.includes(n.code) })),
      needs,
      mdItems: MULTIPLE_DISADVANTAGE.map((code) => ({ value: code, text: MULTIPLE_DISADVANTAGE_LABELS[code], checked: form.lists.multipleDisadvantage.includes(code) })),
      contactItems: PREFERRED_CONTACT.map((value) => ({ value, text: PREFERRED_CONTACT_LABELS[value], checked: form.values['person.preferredContact'] === value })),
      chosenService: chosen,
    };
  }

  async function formPage(form: FormState, errors?: FieldError[]) {
    const choices = await formChoices(form);
    const name = `${form.values['person.givenName'].trim()} ${form.values['person.familyName'].trim()}`.trim();
    const extrasGiven =
      EXTRA_FIELDS.some((f) => f !== 'multipleDisadvantage' && form.values[f as Field].trim() !== '') || form.lists.multipleDisadvantage.length > 0;
    const extrasInError = (errors ?? []).some((e) => EXTRA_FIELDS.includes(e.field));
    return {
      title: 'Make a referral',
      v: form.values,
      urgency: form.values.urgency || 'routine',
      personName: name,
      openExtras: extrasGiven || extrasInError,
      ...choices,
      ...(errors ? { errors } : {}),
    };
  }

  /** Everything the check-answers page shows, in the words the form used. */
  async function checkPage(form: FormState, dateOfBirth: string, key: string) {
    const choices = await formChoices(form);
    const v = form.values;
    const labelOfNeed = new Map(choices.needs.map((n) => [n.code, n.label]));
    return {
      title: 'Check your answers before sending the referral',
      v,
      hidden: hiddenFields(form),
      idempotencyKey: key,
      personName: `${v['person.givenName'].trim()} ${v['person.familyName'].trim()}`,
      serviceName: choices.serviceList.find((s) => s.slug === v.toOrganisation)?.name ?? v.toOrganisation,
      dateOfBirth,
      nhsNumber: v['person.nhsNumber'].trim() ? nhsNumberForDisplay(v['person.nhsNumber']) : '',
      contactLabel: PREFERRED_CONTACT_LABELS[v['person.preferredContact'] as PreferredContact] ?? '',
      needLabels: form.lists.needs.map((code) => labelOfNeed.get(code) ?? code),
      mdLabels: form.lists.multipleDisadvantage.map((code) => MULTIPLE_DISADVANTAGE_LABELS[code as keyof typeof MULTIPLE_DISADVANTAGE_LABELS] ?? code),
      urgencyLabel: (v.urgency || 'routine') === 'urgent' ? 'Urgent' : 'Routine',
    };
  }

  /** Checks a referral without storing anything: the same rules `refer` applies, for the check-answers step. */
  async function checkReferral(form: FormState): Promise<{ errors: FieldError[]; dateOfBirth: string }> {
    const date = combineDate(form.values['dob-day'], form.values['dob-month'], form.values['dob-year']);
    const errors: FieldError[] = [];
    const [serviceList, needs] = await Promise.all([referrals.listServices(), referrals.listNeeds()]);
    const slug = form.values.toOrganisation.trim().toLowerCase();
    if (slug === '') errors.push({ field: 'toOrganisation', message: 'Choose the social prescribing service to refer to' });
    else if (!serviceList.some((s) => s.slug === slug)) errors.push({ field: 'toOrganisation', message: 'Choose a social prescribing service from the list' });
    try {
      validateReferral(toRequest(form, date.value), new Set(needs.map((n) => n.code)), new Date());
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      errors.push(...error.errors);
    }
    return { errors: sortErrors(mergeDateError(errors, date.error)), dateOfBirth: date.value };
  }

  /** A member of the receiving service opening one of its own referrals belongs on the service's page. */
  async function receiptOrRedirect(ctx: RequestContext, id: string, reply: FastifyReply): Promise<ReferralReceiptView | null> {
    if (!UUID.test(id)) throw new NotFound('There is no such referral');
    const found = await referrals.get(ctx, id);
    if (found.kind === 'full') {
      reply.redirect(`/referrals/${found.referral.id}`, 303);
      return null;
    }
    return found.referral;
  }

  // ----- Channel 1: a signed-in referrer -------------------------------------------------------

  app.get('/sent-referrals/new', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    authorize(ctx, referralPolicy, 'create');
    return reply.page(FORM, await formPage(readForm({})));
  });

  app.post('/sent-referrals/new', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    authorize(ctx, referralPolicy, 'create');
    // Pages carrying someone's details back to the browser are not kept in caches.
    reply.header('cache-control', 'no-store');
    const form = readForm(request.body);
    const { errors, dateOfBirth } = await checkReferral(form);
    if (errors.length) return reply.code(400).page(FORM, await formPage(form, errors));
    return reply.page(CHECK, await checkPage(form, dateOfBirth, randomUUID()));
  });

  /** "Change" on the check-answers page: back to the form with every answer kept, at the field to change. */
  app.post('/sent-referrals/new/change', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    authorize(ctx, referralPolicy, 'create');
    reply.header('cache-control', 'no-store');
    const at = one((request.query as Record<string, unknown>).at);
    const data = await formPage(readForm(request.body));
    return reply.page(FORM, { ...data, openExtras: data.openExtras || EXTRA_FIELDS.includes(at) });
  });

  app.post('/sent-referrals/new/send', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    authorize(ctx, referralPolicy, 'create');
    reply.header('cache-control', 'no-store');
    const form = readForm(request.body);
    const date = combineDate(form.values['dob-day'], form.values['dob-month'], form.values['dob-year']);
    const key = one((request.body as Record<string, unknown> | undefined)?._key).trim();
    try {
      if (date.error) throw ValidationFailed.field('person.dateOfBirth', date.error);
      const { receipt } = await referrals.refer(ctx, toRequest(form, date.value), { idempotencyKey: UUID.test(key) ? key : undefined });
      return reply.redirect(`/sent-referrals/${receipt.id}/sent`, 303);
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      return reply.code(400).page(FORM, await formPage(form, sortErrors(error.errors)));
    }
  });

  app.get('/sent-referrals/:id/sent', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const receipt = await receiptOrRedirect(ctx, (request.params as { id: string }).id, reply);
    if (!receipt) return reply;
    return reply.page(SENT, { title: 'Referral sent', receipt: receiptForPage(receipt), canCreate: can(ctx, referralPolicy, 'create') });
  });

  // ----- The referrer's closed loop: neutral receipts only -------------------------------------

  app.get('/sent-referrals', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const query = request.query as Record<string, unknown>;
    const filters = { status: one(query.status), from: one(query.from), to: one(query.to), limit: one(query.limit) };
    const cursor = one(query.cursor);
    let flash: string | undefined;
    let page: Awaited<ReturnType<typeof referrals.listSent>>;
    const data = {
      title: 'Referrals you have sent',
      filters,
      statusItems: [
        { value: '', text: 'Any status' },
        ...(['received', 'in-progress', 'closed'] as const).map((s) => ({ value: s, text: NEUTRAL_STATUS_LABELS[s], selected: s === filters.status })),
      ],
      canCreate: can(ctx, referralPolicy, 'create'),
    };
    try {
      try {
        page = await referrals.listSent(ctx, { ...filters, cursor });
      } catch (error) {
        // A spoiled "Older" link: start again from the newest rather than show a field nobody can fix.
        if (!(error instanceof ValidationFailed) || !error.errors.every((e) => e.field === 'cursor')) throw error;
        page = await referrals.listSent(ctx, filters);
        flash = 'That page link was not valid, so this is the newest page.';
      }
    } catch (error) {
      if (!(error instanceof ValidationFailed)) throw error;
      return reply.code(400).page(LIST, { ...data, items: [], errors: error.errors });
    }
    const filterQuery = new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== ''));
    const base = filterQuery.toString();
    const olderQuery = new URLSearchParams(filterQuery);
    if (page.nextCursor) olderQuery.set('cursor', page.nextCursor);
    return reply.page(LIST, {
      ...data,
      flash,
      items: page.items.map(receiptForPage),
      filtered: Boolean(filters.status || filters.from || filters.to),
      newestHref: cursor && !flash ? `/sent-referrals${base ? `?${base}` : ''}` : null,
      olderHref: page.nextCursor ? `/sent-referrals?${olderQuery.toString()}` : null,
    });
  });

  app.get('/sent-referrals/:id', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const receipt = await receiptOrRedirect(ctx, (request.params as { id: string }).id, reply);
    if (!receipt) return reply;
    return reply.page(VIEW, { title: `Referral ${receipt.reference}`, receipt: receiptForPage(receipt) });
  });

  // ----- Channel 3: a person referring themselves (no account) ---------------------------------

  async function serviceBySlug(request: FastifyRequest) {
    const { slug } = request.params as { slug: string };
    const found = (await referrals.listServices()).find((s) => s.slug === slug.toLowerCase());
    if (!found) throw new NotFound('There is no social prescribing service at this address');
    return found;
  }

  async function selfFormPage(service: { slug: string; name: string }, form: FormState, errors?: FieldError[]) {
    const needs = (await referrals.listNeeds()).filter((n) => n.parentCode === null);
    return {
      title: `Refer yourself to ${service.name}`,
      service,
      v: form.values,
      needItems: needs.map((n) => ({ value: n.code, text: SELF_NEED_WORDS[n.code] ?? n.label, checked: form.lists.needs.includes(n.code) })),
      contactItems: SELF_CONTACT.map((c) => ({ ...c, checked: form.values['person.preferredContact'] === c.value })),
      ...(errors ? { errors } : {}),
    };
  }

  app.get('/self-referral', { schema: { hide: true } }, async (_request, reply) => {
    const serviceList = await referrals.listServices();
    if (serviceList.length === 1) return reply.redirect(`/self-referral/${serviceList[0]!.slug}`, 303);
    return reply.page(SELF_SERVICES, { title: 'Refer yourself to social prescribing', serviceList });
  });

  app.get('/self-referral/:slug', { schema: { hide: true } }, async (request, reply) => {
    const service = await serviceBySlug(request);
    return reply.page(SELF_FORM, await selfFormPage(service, readForm({})));
  });

  app.post(
    '/self-referral/:slug',
    {
      schema: { hide: true },
      // Counts every try, including ones with mistakes, so it allows a few more than a person needs.
      config: {
        rateLimit: {
          max: 10,
          timeWindow: '1 hour',
          errorResponseBuilder: () =>
            new TooManyRequests('This form has been sent too many times from your connection. Try again in an hour, or phone your GP practice and ask them to refer you.'),
        },
      },
    },
    async (request, reply) => {
      const service = await serviceBySlug(request);
      reply.header('cache-control', 'no-store');
      const body = (request.body ?? {}) as Record<string, unknown>;
      const form = readForm(body);
      const contact = (PREFERRED_CONTACT as readonly string[]).includes(form.values['person.preferredContact']) ? form.values['person.preferredContact'] : '';
      const done = `/self-referral/${service.slug}/sent${contact ? `?contact=${contact}` : ''}`;
      // The honeypot: people never see this field, so anything in it came from a bot. Answer as if
      // it worked (so the bot learns nothing) and keep nothing.
      if (one(body.website).trim() !== '') return reply.redirect(done, 303);

      const date = combineDate(form.values['dob-day'], form.values['dob-month'], form.values['dob-year']);
      try {
        const input = toRequest(form, date.value, service.slug);
        if (date.error) {
          // Report every problem at once: the date's own message and whatever else the rules find.
          const needs = await referrals.listNeeds();
          try {
            validateReferral(input, new Set(needs.map((n) => n.code)), new Date());
          } catch (error) {
            if (!(error instanceof ValidationFailed)) throw error;
            throw new ValidationFailed(mergeDateError(error.errors, date.error));
          }
          throw new ValidationFailed(mergeDateError([], date.error));
        }
        await referrals.selfRefer(request.id, { ...input, consent: { given: form.values['consent.given'] === 'yes', by: 'person' } });
      } catch (error) {
        if (!(error instanceof ValidationFailed)) throw error;
        return reply.code(400).page(SELF_FORM, await selfFormPage(service, form, forPerson(sortErrors(error.errors))));
      }
      return reply.redirect(done, 303);
    },
  );

  app.get('/self-referral/:slug/sent', { schema: { hide: true } }, async (request, reply) => {
    const service = await serviceBySlug(request);
    const contact = one((request.query as Record<string, unknown>).contact);
    reply.header('cache-control', 'no-store');
    return reply.page(SELF_SENT, { title: 'We have your details', service, contactWords: SELF_CONTACT_DONE[contact] ?? 'in the way you chose' });
  });
}
