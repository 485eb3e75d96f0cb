import type { PreferredContact, ReferralStatus } from '../../platform/db/schema.js';
import { PREFERRED_CONTACT } from '../../platform/db/schema.js';
import { checkNhsNumber } from '../../platform/domain/nhs-number.js';
import { checkPostcode } from '../../platform/domain/postcode.js';
import { FieldErrors } from '../../platform/errors.js';
import { checkEmail, normaliseEmail } from '../../platform/validation.js';

/** The indicators that mark someone as facing multiple disadvantage (MEAM, plus domestic abuse). */
export const MULTIPLE_DISADVANTAGE = ['homelessness', 'substance-use', 'offending', 'mental-ill-health', 'domestic-abuse'] as const;
export type MultipleDisadvantage = (typeof MULTIPLE_DISADVANTAGE)[number];

export const MULTIPLE_DISADVANTAGE_LABELS: Record<MultipleDisadvantage, string> = {
  homelessness: 'Homelessness or rough sleeping',
  'substance-use': 'Drug or alcohol use',
  offending: 'Contact with the criminal justice system',
  'mental-ill-health': 'Mental ill-health',
  'domestic-abuse': 'Domestic abuse',
};

export const URGENCIES = ['routine', 'urgent'] as const;
export type Urgency = (typeof URGENCIES)[number];

export const PREFERRED_CONTACT_LABELS: Record<PreferredContact, string> = {
  phone: 'Phone call',
  text: 'Text message',
  email: 'Email',
  letter: 'Letter',
  'via-someone-else': 'Through someone else (for example a key worker)',
};

/** Why a referral can close. Declining and not being reachable are neutral: nobody is penalised. */
export const CLOSE_REASONS = ['wrong-service', 'person-declined', 'unable-to-contact', 'duplicate', 'redirected', 'completed', 'other'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];
export const DECLINE_REASONS = ['wrong-service', 'person-declined', 'unable-to-contact', 'duplicate', 'other'] as const satisfies readonly CloseReason[];

export const CLOSE_REASON_LABELS: Record<CloseReason, string> = {
  'wrong-service': 'Another service is a better fit',
  'person-declined': 'The person chose not to take this up for now',
  'unable-to-contact': 'We could not get in touch with the person',
  duplicate: 'Already referred',
  redirected: 'Passed to another social prescribing service',
  completed: 'Support finished',
  other: 'Closed for another reason',
};

/** What a referrer sees. Three words and a date; nothing about needs, notes or engagement. */
export type NeutralStatus = 'received' | 'in-progress' | 'closed';

export function neutralStatus(status: ReferralStatus): NeutralStatus {
  if (status === 'received') return 'received';
  if (status === 'closed') return 'closed';
  return 'in-progress';
}

export const NEUTRAL_STATUS_LABELS: Record<NeutralStatus, string> = {
  received: 'Received',
  'in-progress': 'In progress',
  closed: 'Closed',
};

/** The referrer's wording for a closure. Taking part is always optional and never affects care. */
export function neutralClosure(reason: CloseReason | null): string {
  const base = reason ? CLOSE_REASON_LABELS[reason] : CLOSE_REASON_LABELS.other;
  return `${base}. This does not affect the person’s care from their GP or any other service.`;
}

export type ReferralAction = 'accept' | 'allocate' | 'decline' | 'redirect' | 'record-first-contact' | 'record-engaged' | 'pause' | 'resume' | 'close' | 'reopen';

/** SNOMED CT UK concepts recorded with referral history (docs/codes-and-standards.md). */
export const SNOMED = {
  referralAccepted: '871731000000106',
  personDeclined: '871711000000103',
} as const;

/** The code an action records: an accepted referral, or the person declining (whenever they decline). */
export function snomedFor(action: ReferralAction, reason: CloseReason | null): string | null {
  if (action === 'accept') return SNOMED.referralAccepted;
  if ((action === 'decline' || action === 'close') && reason === 'person-declined') return SNOMED.personDeclined;
  return null;
}

/** How an action reads after "it cannot be …" and in history. */
export const ACTION_DONE: Record<ReferralAction, string> = {
  accept: 'accepted',
  allocate: 'allocated',
  decline: 'declined',
  redirect: 'passed to another service',
  'record-first-contact': 'marked as first contact made',
  'record-engaged': 'marked as engaged',
  pause: 'paused',
  resume: 'resumed',
  close: 'closed',
  reopen: 'reopened',
};

const OPEN: ReferralStatus[] = ['received', 'accepted', 'allocated', 'first-contact', 'engaged'];

/**
 * Which actions fit which status. Nothing forces a linear path beyond what the words mean: a paused
 * referral resumes where it was; allocation can be redone (re-allocation keeps history).
 */
const ALLOWED: Record<ReferralAction, ReferralStatus[]> = {
  accept: ['received'],
  allocate: ['accepted', 'allocated', 'first-contact', 'engaged'],
  decline: ['received'],
  redirect: ['received'],
  'record-first-contact': ['allocated'],
  'record-engaged': ['first-contact'],
  pause: OPEN,
  resume: ['paused'],
  close: [...OPEN, 'paused'],
  // Reopening a case keeps all its history; the referral carries on from where it closed.
  reopen: ['closed'],
};

export function actionAllowed(action: ReferralAction, status: ReferralStatus): boolean {
  return ALLOWED[action].includes(status);
}

/** The status after an action; `previous` is the status a paused referral resumes (or a closed one reopens) to. */
export function nextStatus(action: ReferralAction, status: ReferralStatus, previous: ReferralStatus | null): ReferralStatus {
  switch (action) {
    case 'accept':
      return 'accepted';
    case 'allocate':
      return status === 'accepted' ? 'allocated' : status;
    case 'record-first-contact':
      return 'first-contact';
    case 'record-engaged':
      return 'engaged';
    case 'pause':
      return 'paused';
    case 'resume':
    case 'reopen':
      return previous ?? 'accepted';
    case 'decline':
    case 'redirect':
    case 'close':
      return 'closed';
  }
}

/** A short, unambiguous reference a referrer can quote on the phone (no 0/O or 1/I). */
export function referenceFrom(random: Uint8Array): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let out = '';
  for (let i = 0; i < 8; i++) out += alphabet[random[i]! % alphabet.length];
  return `LW-${out.slice(0, 4)}-${out.slice(4)}`;
}

export interface PersonInput {
  givenName?: unknown;
  familyName?: unknown;
  preferredName?: unknown;
  dateOfBirth?: unknown;
  nhsNumber?: unknown;
  postcode?: unknown;
  noFixedAbode?: unknown;
  phone?: unknown;
  email?: unknown;
  safeToLeaveMessage?: unknown;
  preferredContact?: unknown;
  contactNotes?: unknown;
  interpreterLanguage?: unknown;
  accessibilityNeeds?: unknown;
}

export interface ReferralInput {
  person?: PersonInput;
  reason?: unknown;
  needs?: unknown;
  multipleDisadvantage?: unknown;
  riskNotes?: unknown;
  consent?: { given?: unknown; by?: unknown; method?: unknown };
  urgency?: unknown;
}

export interface ValidPerson {
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
  preferredContact: PreferredContact;
  contactNotes: string | null;
  interpreterLanguage: string | null;
  accessibilityNeeds: string | null;
}

export interface ValidReferral {
  person: ValidPerson;
  reason: string;
  needs: string[];
  multipleDisadvantage: MultipleDisadvantage[];
  riskNotes: string | null;
  consent: { by: 'person' | 'representative'; method: 'verbal' | 'written' | 'online' };
  urgency: Urgency;
}

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const optional = (v: unknown, max: number, errors: FieldErrors, field: string): string | null => {
  const value = str(v);
  if (value.length > max) errors.add(field, `Must be ${max} characters or fewer`);
  return value === '' ? null : value;
};
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(str).filter(Boolean) : typeof v === 'string' && v.trim() ? [v.trim()] : []);
const bool = (v: unknown): boolean | null => (v === true || v === 'true' || v === 'yes' ? true : v === false || v === 'false' || v === 'no' ? false : null);

// UK numbers: 10 or 11 digits once spaces, brackets and a +44 are taken out.
const PHONE = /^(?:\+44|0)\d{9,10}$/;

export function checkDateOfBirth(raw: string, today: Date): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw)) return 'Date of birth must be a real date, like 1980-02-29';
  const date = new Date(`${raw}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== raw) return 'Date of birth must be a real date, like 1980-02-29';
  if (raw > today.toISOString().slice(0, 10)) return 'Date of birth must be in the past';
  if (Number(raw.slice(0, 4)) < today.getUTCFullYear() - 125) return 'Date of birth must be within the last 125 years';
  return null;
}

/**
 * Checks a referral the same way for every channel (form, API, self-referral) and says everything
 * that is wrong at once, by field. `needCodes` are the active codes of the needs taxonomy.
 */
export function validateReferral(input: ReferralInput, needCodes: ReadonlySet<string>, today: Date, fieldPrefix = ''): ValidReferral {
  const errors = new FieldErrors();
  const f = (name: string) => `${fieldPrefix}${name}`;
  const p = input.person ?? {};

  const givenName = str(p.givenName);
  const familyName = str(p.familyName);
  if (givenName === '') errors.add(f('person.givenName'), 'Enter their first name');
  else if (givenName.length > 100) errors.add(f('person.givenName'), 'First name must be 100 characters or fewer');
  if (familyName === '') errors.add(f('person.familyName'), 'Enter their last name');
  else if (familyName.length > 100) errors.add(f('person.familyName'), 'Last name must be 100 characters or fewer');
  const preferredName = optional(p.preferredName, 100, errors, f('person.preferredName'));

  const dateOfBirth = str(p.dateOfBirth);
  if (dateOfBirth === '') errors.add(f('person.dateOfBirth'), 'Enter their date of birth');
  else {
    const problem = checkDateOfBirth(dateOfBirth, today);
    if (problem) errors.add(f('person.dateOfBirth'), problem);
  }

  let nhsNumber: string | null = null;
  if (str(p.nhsNumber) !== '') {
    const checked = checkNhsNumber(str(p.nhsNumber));
    if (checked.ok) nhsNumber = checked.value;
    else errors.add(f('person.nhsNumber'), checked.message);
  }

  const noFixedAbode = bool(p.noFixedAbode) === true;
  let postcode: string | null = null;
  if (str(p.postcode) !== '') {
    const checked = checkPostcode(str(p.postcode));
    if (checked.ok) postcode = checked.value;
    else errors.add(f('person.postcode'), checked.message);
  } else if (!noFixedAbode) {
    errors.add(f('person.postcode'), 'Enter their postcode, or say they have no fixed address');
  }

  let phone: string | null = null;
  if (str(p.phone) !== '') {
    const compact = str(p.phone).replace(/[\s()-]/g, '');
    if (PHONE.test(compact)) phone = compact;
    else errors.add(f('person.phone'), 'Enter a UK phone number, like 07700 900123');
  }
  let email: string | null = null;
  if (str(p.email) !== '') {
    email = normaliseEmail(p.email);
    checkEmail(errors, f('person.email'), email);
  }

  const preferredContact = str(p.preferredContact) || (phone ? 'phone' : email ? 'email' : '');
  if (!(PREFERRED_CONTACT as readonly string[]).includes(preferredContact)) {
    errors.add(f('person.preferredContact'), 'Choose how they would like to be contacted');
  } else if ((preferredContact === 'phone' || preferredContact === 'text') && !phone) {
    errors.add(f('person.phone'), 'Enter a phone number, or choose another way to contact them');
  } else if (preferredContact === 'email' && !email) {
    errors.add(f('person.email'), 'Enter an email address, or choose another way to contact them');
  }
  const safe = bool(p.safeToLeaveMessage);
  const contactNotes = optional(p.contactNotes, 500, errors, f('person.contactNotes'));
  if (preferredContact === 'via-someone-else' && !contactNotes) {
    errors.add(f('person.contactNotes'), 'Say who to contact and how, for example the hostel key worker’s phone number');
  }

  const reason = str(input.reason);
  if (reason === '') errors.add(f('reason'), 'Enter the reason for the referral, in a sentence or two');
  else if (reason.length > 4000) errors.add(f('reason'), 'Reason must be 4,000 characters or fewer');

  const needs = [...new Set(list(input.needs))];
  const unknownNeeds = needs.filter((code) => !needCodes.has(code));
  if (unknownNeeds.length) errors.add(f('needs'), `Unknown need: ${unknownNeeds.join(', ')}. Use codes from GET /api/v1/needs`);

  const md = [...new Set(list(input.multipleDisadvantage))];
  const unknownMd = md.filter((code) => !(MULTIPLE_DISADVANTAGE as readonly string[]).includes(code));
  if (unknownMd.length) errors.add(f('multipleDisadvantage'), `Unknown indicator: ${unknownMd.join(', ')} (use: ${MULTIPLE_DISADVANTAGE.join(', ')})`);

  const consent = input.consent ?? {};
  if (bool(consent.given) !== true) errors.add(f('consent.given'), 'The person must agree to the referral before it is sent');
  const consentBy = str(consent.by) || 'person';
  if (consentBy !== 'person' && consentBy !== 'representative') errors.add(f('consent.by'), 'Consent is given by the person or their representative');
  const consentMethod = str(consent.method) || 'verbal';
  if (!['verbal', 'written', 'online'].includes(consentMethod)) errors.add(f('consent.method'), 'Consent method is verbal, written or online');

  const urgency = str(input.urgency) || 'routine';
  if (!(URGENCIES as readonly string[]).includes(urgency)) errors.add(f('urgency'), 'Urgency is routine or urgent');

  const riskNotes = optional(input.riskNotes, 2000, errors, f('riskNotes'));
  const interpreterLanguage = optional(p.interpreterLanguage, 100, errors, f('person.interpreterLanguage'));
  const accessibilityNeeds = optional(p.accessibilityNeeds, 500, errors, f('person.accessibilityNeeds'));
  errors.throwIfAny();
  return {
    person: {
      givenName,
      familyName,
      preferredName,
      dateOfBirth,
      nhsNumber,
      postcode,
      noFixedAbode,
      phone,
      email,
      safeToLeaveMessage: safe === true,
      preferredContact: preferredContact as PreferredContact,
      contactNotes,
      interpreterLanguage,
      accessibilityNeeds,
    },
    reason,
    needs,
    multipleDisadvantage: md as MultipleDisadvantage[],
    riskNotes,
    consent: { by: consentBy as 'person' | 'representative', method: consentMethod as 'verbal' | 'written' | 'online' },
    urgency: urgency as Urgency,
  };
}
