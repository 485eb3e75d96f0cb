import { SERVICE_STATUSES } from '../../../platform/db/directory-schema.js';
import { FieldErrors } from '../../../platform/errors.js';
import { checkEmail, normaliseEmail, text } from '../../../platform/validation.js';
import { SERVICE_ATTRIBUTES, type ServiceAttribute } from '../taxonomy.js';

/**
 * The parts of a directory entry its provider keeps up to date, as pure rules: what may be edited,
 * how it is checked, and how two versions differ. The service layer (service.ts) reads and writes them.
 */
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

export interface ServiceDetails {
  name: string;
  description: string | null;
  url: string | null;
  email: string | null;
  phone: string | null;
  feesDescription: string | null;
  eligibilityDescription: string | null;
  minimumAge: number | null;
  maximumAge: number | null;
  status: ServiceStatus;
  attributes: ServiceAttribute[];
}

export type DetailField = keyof ServiceDetails;

/** In the order the form and every diff show them. */
export const DETAIL_FIELDS: readonly DetailField[] = [
  'name',
  'description',
  'url',
  'email',
  'phone',
  'feesDescription',
  'eligibilityDescription',
  'minimumAge',
  'maximumAge',
  'status',
  'attributes',
];

export const FIELD_LABELS: Record<DetailField, string> = {
  name: 'Name',
  description: 'Description',
  url: 'Website',
  email: 'Email address',
  phone: 'Phone number',
  feesDescription: 'Fees',
  eligibilityDescription: 'Who it is for',
  minimumAge: 'Minimum age',
  maximumAge: 'Maximum age',
  status: 'Status',
  attributes: 'What link workers need to know',
};

/** As seeded in migrations/0003_directory.sql (the Linkwork service attributes taxonomy). */
export const ATTRIBUTE_LABELS: Record<ServiceAttribute, string> = {
  'trauma-informed': 'Trauma-informed practice',
  'no-id-needed': 'No ID or proof of address needed',
  'drop-in': 'Drop-in, no appointment needed',
  free: 'Free',
  'women-only': 'Women-only space',
  'dogs-welcome': 'Dogs welcome',
  'wheelchair-accessible': 'Wheelchair accessible',
  'evenings-weekends': 'Open evenings or weekends',
  'accompanied-visits-welcome': 'Accompanied visits welcome',
};

export const STATUS_LABELS: Record<ServiceStatus, string> = {
  active: 'Running',
  'temporarily closed': 'Temporarily closed',
  inactive: 'Not running at the moment',
  defunct: 'Closed for good',
};

/** A provider is asked to look again when a service has not been checked for this long. */
export const REVIEW_AFTER_MONTHS = 6;
/** …and is not reminded about the same service more often than this. */
export const REMIND_EVERY_DAYS = 30;

const LIMITS = { name: 300, description: 5000, url: 2000, feesDescription: 2000, eligibilityDescription: 2000 } as const;

function optional(raw: unknown): string | null {
  const value = text(raw);
  return value === '' ? null : value;
}

function checkLength(errors: FieldErrors, field: keyof typeof LIMITS, value: string | null): void {
  if (value !== null && value.length > LIMITS[field]) {
    errors.add(field, `${FIELD_LABELS[field]} must be ${LIMITS[field].toLocaleString('en-GB')} characters or fewer`);
  }
}

function age(errors: FieldErrors, field: 'minimumAge' | 'maximumAge', raw: unknown): number | null {
  const value = typeof raw === 'number' ? String(raw) : text(raw);
  if (value === '') return null;
  const which = field === 'minimumAge' ? 'minimum' : 'maximum';
  if (!/^\d{1,3}$/.test(value) || Number(value) > 130) {
    errors.add(field, `Enter the ${which} age as a whole number from 0 to 130, like 18`);
    return null;
  }
  return Number(value);
}

/** A web address people can open: http or https only (never `javascript:`), scheme added when left off. */
function webAddress(errors: FieldErrors, raw: unknown): string | null {
  let value = optional(raw);
  if (value === null) return null;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) value = `https://${value}`;
  let parsed: URL | null = null;
  try {
    parsed = new URL(value);
  } catch {
    parsed = null;
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || !parsed.hostname.includes('.') || /\s/.test(value)) {
    errors.add('url', 'Enter a web address in the correct format, like https://www.example.org');
    return null;
  }
  checkLength(errors, 'url', value);
  return value;
}

function phone(errors: FieldErrors, raw: unknown): string | null {
  const value = optional(raw);
  if (value === null) return null;
  const digits = value.replace(/\D/g, '').length;
  if (!/^\+?[\d\s()-]+$/.test(value) || digits < 3 || digits > 15) {
    errors.add('phone', 'Enter a phone number, like 0117 496 0000 or +44 117 496 0000');
    return null;
  }
  return value.replace(/\s+/g, ' ');
}

/** Checkboxes arrive as one string or an array of strings; anything else is nothing ticked. */
export function listOf(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.filter((v): v is string => typeof v === 'string');
  return typeof raw === 'string' && raw !== '' ? [raw] : [];
}

/** Checks a submitted entry, reporting every problem at once (ValidationFailed). */
export function validateDetails(input: Record<string, unknown>): ServiceDetails {
  const errors = new FieldErrors();
  const name = text(input.name);
  if (name === '') errors.add('name', 'Enter the name of the service');
  else if (name.length > LIMITS.name) errors.add('name', `Name must be ${LIMITS.name} characters or fewer`);
  const description = optional(input.description);
  checkLength(errors, 'description', description);
  const url = webAddress(errors, input.url);
  let email: string | null = normaliseEmail(input.email);
  if (email === '') email = null;
  else checkEmail(errors, 'email', email);
  const phoneNumber = phone(errors, input.phone);
  const feesDescription = optional(input.feesDescription);
  checkLength(errors, 'feesDescription', feesDescription);
  const eligibilityDescription = optional(input.eligibilityDescription);
  checkLength(errors, 'eligibilityDescription', eligibilityDescription);
  const minimumAge = age(errors, 'minimumAge', input.minimumAge);
  const maximumAge = age(errors, 'maximumAge', input.maximumAge);
  if (minimumAge !== null && maximumAge !== null && maximumAge < minimumAge) {
    errors.add('maximumAge', 'The maximum age must be the same as or more than the minimum age');
  }
  const status = text(input.status);
  if (!(SERVICE_STATUSES as readonly string[]).includes(status)) errors.add('status', 'Choose whether the service is running');
  const chosen = listOf(input.attributes);
  if (chosen.some((a) => !(SERVICE_ATTRIBUTES as readonly string[]).includes(a))) {
    errors.add('attributes', 'Choose from the list of what link workers need to know');
  }
  errors.throwIfAny();
  return {
    name,
    description,
    url,
    email,
    phone: phoneNumber,
    feesDescription,
    eligibilityDescription,
    minimumAge,
    maximumAge,
    status: status as ServiceStatus,
    attributes: SERVICE_ATTRIBUTES.filter((a) => chosen.includes(a)),
  };
}

export type DetailChanges = Partial<ServiceDetails>;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The fields of `proposed` that differ from `current`, with their proposed values. */
export function changedFields(current: ServiceDetails, proposed: ServiceDetails): DetailChanges {
  const changes: Record<string, unknown> = {};
  for (const field of DETAIL_FIELDS) {
    if (!same(current[field], proposed[field])) changes[field] = proposed[field];
  }
  return changes as DetailChanges;
}

export function withChanges(current: ServiceDetails, changes: DetailChanges): ServiceDetails {
  return { ...current, ...changes };
}

/** How a value reads on a page or in a diff. */
export function displayValue(field: DetailField, value: unknown): string {
  if (value === null || value === undefined || value === '') return 'Not given';
  if (field === 'attributes') {
    const list = value as ServiceAttribute[];
    return list.length ? list.map((a) => ATTRIBUTE_LABELS[a] ?? a).join(', ') : 'None';
  }
  if (field === 'status') return STATUS_LABELS[value as ServiceStatus] ?? String(value);
  return String(value);
}

export interface DiffRow {
  field: DetailField;
  label: string;
  current: string;
  proposed: string;
}

/** Field, current and proposed value, for each field a change touches (in form order). */
export function diffRows(current: ServiceDetails, changes: DetailChanges): DiffRow[] {
  return DETAIL_FIELDS.filter((field) => field in changes).map((field) => ({
    field,
    label: FIELD_LABELS[field],
    current: displayValue(field, current[field]),
    proposed: displayValue(field, changes[field]),
  }));
}

/** Today's date in England, as 'YYYY-MM-DD': a verification is a calendar day, not an instant. */
export function dayIn(instant: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/** The same day `months` earlier (the last day of the month when it has no such day). */
export function monthsBefore(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 - months, 1));
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, lastDay));
  return first.toISOString().slice(0, 10);
}

export function daysBefore(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

/** Not checked for REVIEW_AFTER_MONTHS or more (or never) on `today`. */
export function mayBeOutOfDate(lastVerified: string | null, today: string): boolean {
  return lastVerified === null || lastVerified <= monthsBefore(today, REVIEW_AFTER_MONTHS);
}

export function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
