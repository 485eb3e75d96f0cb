import { FieldErrors } from '../../platform/errors.js';
import { text } from '../../platform/validation.js';
import type { CloseReason } from '../referrals/rules.js';

/**
 * Casework's rules as pure functions: programme settings, session caps and the multiple-disadvantage
 * (MD) exemption, weighted caseloads, the first-contact target in working days, what happens after
 * unsuccessful contact attempts, and the checks on what link workers record.
 */

// ---------------------------------------------------------------------------------------------
// Programme settings

export interface ProgrammeSettings {
  /** Meetings per case before a review is prompted; null means no limit for anyone. */
  sessionCap: number | null;
  /** People facing multiple disadvantage need many meetings before trusting anyone: exempt by default. */
  mdExemptFromCap: boolean;
  /** Weighted units a case adds to a link worker's caseload. */
  weightStandard: number;
  weightMd: number;
  /** A link worker's capacity in weighted units, unless set for them. */
  defaultCapacity: number;
  /** First contact within this many working days of allocation. */
  firstContactWorkingDays: number;
  /** Unsuccessful attempts in a row before anything is suggested (never done automatically). */
  attemptsBeforeReview: number;
}

export const DEFAULT_SETTINGS: ProgrammeSettings = {
  sessionCap: 6,
  mdExemptFromCap: true,
  weightStandard: 1,
  weightMd: 2,
  defaultCapacity: 30,
  firstContactWorkingDays: 5,
  attemptsBeforeReview: 3,
};

function wholeNumber(errors: FieldErrors, field: string, raw: unknown, min: number, max: number, what: string): number {
  const value = typeof raw === 'number' ? raw : Number(text(raw));
  if (text(String(raw ?? '')) === '' || !Number.isInteger(value) || value < min || value > max) {
    errors.add(field, `${what} must be a whole number from ${min} to ${max}`);
    return min;
  }
  return value;
}

function weight(errors: FieldErrors, field: string, raw: unknown, what: string): number {
  const value = typeof raw === 'number' ? raw : Number(text(raw));
  // Halves are allowed (a lighter case weighs 0.5); anything finer is false precision.
  if (text(String(raw ?? '')) === '' || !Number.isFinite(value) || value < 0.5 || value > 10 || Math.round(value * 2) !== value * 2) {
    errors.add(field, `${what} must be a number from 0.5 to 10, in halves`);
    return 1;
  }
  return value;
}

const yes = (raw: unknown) => raw === true || raw === 'true' || raw === 'yes';

/** Checks settings from the form or the API, every field at once. An empty session cap means no limit. */
export function validateSettings(input: Record<string, unknown>): ProgrammeSettings {
  const errors = new FieldErrors();
  const capRaw = input.sessionCap;
  const sessionCap = capRaw === null || text(String(capRaw ?? '')) === '' ? null : wholeNumber(errors, 'sessionCap', capRaw, 1, 200, 'Session limit');
  const settings: ProgrammeSettings = {
    sessionCap,
    mdExemptFromCap: yes(input.mdExemptFromCap),
    weightStandard: weight(errors, 'weightStandard', input.weightStandard, 'Weight of a standard case'),
    weightMd: weight(errors, 'weightMd', input.weightMd, 'Weight of a multiple-disadvantage case'),
    defaultCapacity: wholeNumber(errors, 'defaultCapacity', input.defaultCapacity, 1, 500, 'Capacity'),
    firstContactWorkingDays: wholeNumber(errors, 'firstContactWorkingDays', input.firstContactWorkingDays, 1, 60, 'First-contact target'),
    attemptsBeforeReview: wholeNumber(errors, 'attemptsBeforeReview', input.attemptsBeforeReview, 1, 20, 'Attempts before a review'),
  };
  errors.throwIfAny();
  return settings;
}

// ---------------------------------------------------------------------------------------------
// Sessions: a cap prompts a review; it never closes a case

export const CONTACT_TYPES = ['face-to-face', 'phone', 'video', 'text', 'home-visit', 'outreach', 'accompanied-visit', 'attempted'] as const;
export type ContactType = (typeof CONTACT_TYPES)[number];

export const CONTACT_TYPE_LABELS: Record<ContactType, string> = {
  'face-to-face': 'Face to face',
  phone: 'Phone call',
  video: 'Video call',
  text: 'Text or message',
  'home-visit': 'Home visit',
  outreach: 'Outreach or on the street',
  'accompanied-visit': 'Went with them to a service or activity',
  attempted: 'Tried to get in touch: no answer',
};

/** A meeting is time spent with the person; a text exchange or a try that got no answer is not. */
export function isMeeting(type: ContactType): boolean {
  return type !== 'text' && type !== 'attempted';
}

/** Any contact that reached the person, including a text conversation. */
export function reachedPerson(type: ContactType): boolean {
  return type !== 'attempted';
}

export const MD_EXEMPTION_TEXT = 'No session limit — multiple disadvantage';

export type SessionAllowance =
  | { kind: 'exempt'; held: number; text: string }
  | { kind: 'unlimited'; held: number; text: string }
  | { kind: 'capped'; held: number; cap: number; reviewDue: boolean; text: string };

export function sessionAllowance(settings: ProgrammeSettings, multipleDisadvantage: boolean, held: number): SessionAllowance {
  if (multipleDisadvantage && settings.mdExemptFromCap) return { kind: 'exempt', held, text: MD_EXEMPTION_TEXT };
  if (settings.sessionCap === null) return { kind: 'unlimited', held, text: 'No session limit in this programme' };
  const cap = settings.sessionCap;
  const reviewDue = held >= cap;
  return {
    kind: 'capped',
    held,
    cap,
    reviewDue,
    text: reviewDue
      ? `${held} of ${cap} meetings: time to review the plan together. Meetings can carry on; nothing closes because of the limit.`
      : `${held} of ${cap} meetings`,
  };
}

// ---------------------------------------------------------------------------------------------
// Caseloads weighted by complexity; allocation refuses to overload unless a reason is given

export function caseWeight(settings: ProgrammeSettings, multipleDisadvantage: boolean): number {
  return multipleDisadvantage ? settings.weightMd : settings.weightStandard;
}

export interface AllocationCheck {
  /** The link worker's weighted load now, not counting this case. */
  load: number;
  capacity: number;
  /** What this case adds. */
  weight: number;
  overrideReason: string;
}

export type AllocationDecision = { allowed: true; overCapacity: boolean; after: number } | { allowed: false; after: number; message: string };

/** Allocation within capacity always goes ahead; past it only with the team lead's reason (audited). */
export function decideAllocation(check: AllocationCheck): AllocationDecision {
  const after = check.load + check.weight;
  if (after <= check.capacity) return { allowed: true, overCapacity: false, after };
  if (check.overrideReason.trim() !== '') return { allowed: true, overCapacity: true, after };
  return {
    allowed: false,
    after,
    message: `This would take their caseload to ${formatUnits(after)} of ${formatUnits(check.capacity)} weighted units. Give a reason to allocate anyway, or leave the person on the waiting list`,
  };
}

export function formatUnits(units: number): string {
  return Number.isInteger(units) ? String(units) : units.toFixed(1);
}

// ---------------------------------------------------------------------------------------------
// Working days: weekends and England and Wales bank holidays

/**
 * England and Wales bank holidays that do not follow the usual rules, from GOV.UK's published list
 * (https://www.gov.uk/bank-holidays, also as https://www.gov.uk/bank-holidays.json). Every other bank
 * holiday follows the Banking and Financial Dealings Act 1971 and royal proclamations as GOV.UK
 * lists them: New Year's Day, Good Friday, Easter Monday, the early May and spring bank holidays
 * (first and last Mondays of May), the summer bank holiday (last Monday of August), Christmas Day and
 * Boxing Day, with a substitute weekday when one falls at a weekend.
 */
const MOVED: Record<string, { removed: string[]; added: string[] }> = {
  // VE Day 75th anniversary: the early May bank holiday moved from Monday 4 to Friday 8 May.
  '2020': { removed: ['2020-05-04'], added: ['2020-05-08'] },
  // Platinum Jubilee: the spring bank holiday moved to Thursday 2 June, plus Friday 3 June; and the
  // State Funeral of Queen Elizabeth II on Monday 19 September.
  '2022': { removed: ['2022-05-30'], added: ['2022-06-02', '2022-06-03', '2022-09-19'] },
  // The Coronation of King Charles III: Monday 8 May.
  '2023': { removed: [], added: ['2023-05-08'] },
};

const DAY_MS = 86_400_000;

function utc(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day));
}

function ymd(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Easter Sunday (Gregorian), by the anonymous algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return utc(year, month, day);
}

function firstMonday(year: number, month: number): Date {
  const first = utc(year, month, 1);
  return new Date(first.getTime() + ((8 - first.getUTCDay()) % 7) * DAY_MS);
}

function lastMonday(year: number, month: number): Date {
  const last = utc(year, month + 1, 0);
  return new Date(last.getTime() - ((last.getUTCDay() + 6) % 7) * DAY_MS);
}

const holidayCache = new Map<number, Set<string>>();

/** The England and Wales bank holidays of a year, as YYYY-MM-DD. */
export function bankHolidays(year: number): Set<string> {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const days: string[] = [];
  const newYear = utc(year, 1, 1);
  const newYearShift = newYear.getUTCDay() === 6 ? 2 : newYear.getUTCDay() === 0 ? 1 : 0;
  days.push(ymd(new Date(newYear.getTime() + newYearShift * DAY_MS)));
  const easter = easterSunday(year);
  days.push(ymd(new Date(easter.getTime() - 2 * DAY_MS)), ymd(new Date(easter.getTime() + DAY_MS)));
  days.push(ymd(firstMonday(year, 5)), ymd(lastMonday(year, 5)), ymd(lastMonday(year, 8)));
  // Christmas and Boxing Day: at a weekend, the next weekdays not already holidays.
  const christmas = utc(year, 12, 25).getUTCDay();
  if (christmas === 6) days.push(`${year}-12-27`, `${year}-12-28`);
  else if (christmas === 0) days.push(`${year}-12-26`, `${year}-12-27`);
  else if (christmas === 5) days.push(`${year}-12-25`, `${year}-12-28`);
  else days.push(`${year}-12-25`, `${year}-12-26`);
  const moved = MOVED[String(year)];
  const set = new Set(days.filter((d) => !moved?.removed.includes(d)));
  for (const d of moved?.added ?? []) set.add(d);
  holidayCache.set(year, set);
  return set;
}

export function isWorkingDay(day: string): boolean {
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = date.getUTCDay();
  return weekday !== 0 && weekday !== 6 && !bankHolidays(date.getUTCFullYear()).has(day);
}

/** The working day `n` working days after `day` (a day that is not a working day counts from the next one). */
export function addWorkingDays(day: string, n: number): string {
  let date = new Date(`${day}T00:00:00Z`);
  let left = n;
  while (left > 0) {
    date = new Date(date.getTime() + DAY_MS);
    if (isWorkingDay(ymd(date))) left -= 1;
  }
  return ymd(date);
}

// One formatter for every call: making one costs about a millisecond, and a caseload formats a day per case.
const LONDON_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** A calendar day in England (where the service runs), whatever the server's time zone. */
export function londonDay(instant: Date): string {
  return LONDON_DAY.format(instant);
}

export type FirstContactState = { state: 'made'; on: string } | { state: 'due'; due: string } | { state: 'overdue'; due: string; daysOverdue: number } | { state: 'not-allocated' };

/** First contact is due a set number of working days after allocation; overdue the day after. */
export function firstContactState(settings: ProgrammeSettings, allocatedOn: string | null, firstContactOn: string | null, today: string): FirstContactState {
  if (firstContactOn) return { state: 'made', on: firstContactOn };
  if (!allocatedOn) return { state: 'not-allocated' };
  const due = addWorkingDays(allocatedOn, settings.firstContactWorkingDays);
  if (today <= due) return { state: 'due', due };
  const daysOverdue = Math.round((new Date(`${today}T00:00:00Z`).getTime() - new Date(`${due}T00:00:00Z`).getTime()) / DAY_MS);
  return { state: 'overdue', due, daysOverdue };
}

// ---------------------------------------------------------------------------------------------
// After unsuccessful attempts: never an automatic closure

/** How many contacts in a row, newest first, were attempts that got no answer. */
export function attemptsInARow(typesNewestFirst: readonly ContactType[]): number {
  let count = 0;
  for (const type of typesNewestFirst) {
    if (type !== 'attempted') break;
    count += 1;
  }
  return count;
}

export type AttemptsAdvice =
  | { kind: 'none' }
  /** A standard case: the link worker may propose closing; they decide, nothing happens by itself. */
  | { kind: 'may-propose-closure'; attempts: number }
  /** An MD case: never closed for this; a conversation with the team lead about other ways to reach them. */
  | { kind: 'talk-to-team-lead'; attempts: number };

export function adviceAfterAttempts(settings: ProgrammeSettings, multipleDisadvantage: boolean, attempts: number): AttemptsAdvice {
  if (attempts < settings.attemptsBeforeReview) return { kind: 'none' };
  return multipleDisadvantage ? { kind: 'talk-to-team-lead', attempts } : { kind: 'may-propose-closure', attempts };
}

// ---------------------------------------------------------------------------------------------
// Closing, pausing and multiple-disadvantage status

export const CASE_CLOSE_REASONS = ['goals-met', 'person-chose-to-stop', 'moved-away', 'unable-to-contact', 'transferred', 'died'] as const;
export type CaseCloseReason = (typeof CASE_CLOSE_REASONS)[number];

export const CASE_CLOSE_REASON_LABELS: Record<CaseCloseReason, string> = {
  'goals-met': 'The person’s goals are met',
  'person-chose-to-stop': 'The person chose to stop',
  'moved-away': 'The person moved away',
  'unable-to-contact': 'We could not get in touch',
  transferred: 'Transferred to another service',
  died: 'The person died',
};

/**
 * What the referral (and so the referrer's neutral receipt) records for each case closure. The
 * referrer's wording never says more than this, and always says it does not affect the person's care.
 */
export const REFERRAL_REASON_FOR: Record<CaseCloseReason, CloseReason> = {
  'goals-met': 'completed',
  'person-chose-to-stop': 'person-declined',
  'moved-away': 'other',
  'unable-to-contact': 'unable-to-contact',
  transferred: 'other',
  died: 'other',
};

/**
 * Who may close a case for a reason. Closing someone facing multiple disadvantage because they could
 * not be reached is a team lead's decision after a conversation, never a link worker's alone and
 * never automatic.
 */
export function closureNeedsTeamLead(multipleDisadvantage: boolean, reason: CaseCloseReason): boolean {
  return multipleDisadvantage && reason === 'unable-to-contact';
}

export function validateCloseReason(raw: unknown): CaseCloseReason {
  const reason = text(raw);
  if (!(CASE_CLOSE_REASONS as readonly string[]).includes(reason)) {
    const errors = new FieldErrors().add('reason', `Choose why the case is closing (one of: ${CASE_CLOSE_REASONS.join(', ')})`);
    errors.throwIfAny();
  }
  return reason as CaseCloseReason;
}

function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && ymd(date) === value;
}

/** A pause needs a reason and a date to look at the case again (today or later, within a year). */
export function validatePause(input: { reason?: unknown; reviewDate?: unknown }, today: string): { reason: string; reviewDate: string } {
  const errors = new FieldErrors();
  const reason = text(input.reason);
  if (reason === '') errors.add('reason', 'Enter why the case is pausing, for example in hospital for two weeks');
  else if (reason.length > 500) errors.add('reason', 'Reason must be 500 characters or fewer');
  const reviewDate = text(input.reviewDate);
  if (!isDay(reviewDate)) errors.add('reviewDate', 'Enter a review date as a real date, like 2027-01-15');
  else if (reviewDate < today) errors.add('reviewDate', 'Review date must be today or in the future');
  else if (reviewDate > addDays(today, 366)) errors.add('reviewDate', 'Review date must be within a year');
  errors.throwIfAny();
  return { reason, reviewDate };
}

export function addDays(day: string, n: number): string {
  return ymd(new Date(new Date(`${day}T00:00:00Z`).getTime() + n * DAY_MS));
}

/** MD status comes from the referral's indicators. */
export function mdFromIndicators(indicators: readonly string[]): boolean {
  return indicators.length > 0;
}

/** A link worker's judgement changes MD status only with a reason, kept in the case history. */
export function validateMdChange(input: { multipleDisadvantage?: unknown; reason?: unknown }, current: boolean): { multipleDisadvantage: boolean; reason: string } {
  const errors = new FieldErrors();
  const raw = input.multipleDisadvantage;
  const value = raw === true || raw === 'true' || raw === 'yes' ? true : raw === false || raw === 'false' || raw === 'no' ? false : null;
  if (value === null) errors.add('multipleDisadvantage', 'Say whether the person faces multiple disadvantage');
  else if (value === current) errors.add('multipleDisadvantage', value ? 'This case is already in the multiple-disadvantage cohort' : 'This case is not in the multiple-disadvantage cohort');
  const reason = text(input.reason);
  if (reason === '') errors.add('mdReason', 'Give the reason for your judgement');
  else if (reason.length > 500) errors.add('mdReason', 'Reason must be 500 characters or fewer');
  errors.throwIfAny();
  return { multipleDisadvantage: value!, reason };
}

// ---------------------------------------------------------------------------------------------
// What link workers record

export interface ValidContact {
  contactDate: string;
  type: ContactType;
  durationMinutes: number | null;
  location: string | null;
  note: string | null;
  sensitive: boolean;
  nextStep: string | null;
  nextStepDate: string | null;
}

const optionalText = (errors: FieldErrors, field: string, raw: unknown, max: number, what: string): string | null => {
  const value = text(raw);
  if (value.length > max) errors.add(field, `${what} must be ${max} characters or fewer`);
  return value === '' ? null : value;
};

export function validateContact(input: Record<string, unknown>, today: string): ValidContact {
  const errors = new FieldErrors();
  const contactDate = text(input.contactDate) || today;
  if (!isDay(contactDate)) errors.add('contactDate', 'Enter the date of the contact as a real date, like 2026-11-20');
  else if (contactDate > today) errors.add('contactDate', 'Date of the contact must be today or in the past');
  const type = text(input.type);
  if (!(CONTACT_TYPES as readonly string[]).includes(type)) errors.add('type', 'Choose the type of contact');
  let durationMinutes: number | null = null;
  const durationRaw = text(String(input.durationMinutes ?? ''));
  if (durationRaw !== '') {
    const value = Number(durationRaw);
    if (!Number.isInteger(value) || value < 1 || value > 720) errors.add('durationMinutes', 'Duration must be a whole number of minutes from 1 to 720');
    else durationMinutes = value;
  }
  const location = optionalText(errors, 'location', input.location, 200, 'Where');
  const note = optionalText(errors, 'note', input.note, 2000, 'Note');
  const nextStep = optionalText(errors, 'nextStep', input.nextStep, 500, 'Next step');
  const nextRaw = text(input.nextStepDate);
  let nextStepDate: string | null = null;
  if (nextRaw !== '') {
    if (!isDay(nextRaw)) errors.add('nextStepDate', 'Enter the date of the next step as a real date, like 2026-12-01');
    else if (isDay(contactDate) && nextRaw < contactDate) errors.add('nextStepDate', 'Next step date must be on or after the contact');
    else nextStepDate = nextRaw;
    if (!nextStep) errors.add('nextStep', 'Say what the next step is, or leave its date empty');
  }
  errors.throwIfAny();
  return { contactDate, type: type as ContactType, durationMinutes, location, note, sensitive: yes(input.sensitive), nextStep, nextStepDate };
}

/** Lines of a textarea as a list: one strength or goal per line, in the person's own words. */
export function linesOf(raw: unknown): string[] {
  const values = Array.isArray(raw) ? raw.map((v) => text(v)) : text(raw).split(/\r?\n/);
  return [...new Set(values.map((v) => v.trim()).filter(Boolean))];
}

export interface ValidWhatMatters {
  needs: string[];
  strengths: string[];
  goals: string[];
}

export function validateWhatMatters(input: { needs?: unknown; strengths?: unknown; goals?: unknown }, needCodes: ReadonlySet<string>): ValidWhatMatters {
  const errors = new FieldErrors();
  const needs = [...new Set(Array.isArray(input.needs) ? input.needs.map((n) => text(n)).filter(Boolean) : text(input.needs) ? [text(input.needs)] : [])];
  const unknown = needs.filter((code) => !needCodes.has(code));
  if (unknown.length) errors.add('needs', `Unknown need: ${unknown.join(', ')}. Use codes from GET /api/v1/needs`);
  const strengths = linesOf(input.strengths);
  const goals = linesOf(input.goals);
  if (strengths.length > 30) errors.add('strengths', 'Record up to 30 strengths');
  if (goals.length > 30) errors.add('goals', 'Record up to 30 goals');
  if (strengths.some((s) => s.length > 500)) errors.add('strengths', 'Each strength must be 500 characters or fewer');
  if (goals.some((g) => g.length > 500)) errors.add('goals', 'Each goal must be 500 characters or fewer');
  errors.throwIfAny();
  return { needs, strengths, goals };
}

export interface ValidSafety {
  risk: boolean;
  riskNote: string | null;
  loneWorking: boolean;
  loneWorkingNote: string | null;
}

/** Flags for staff, with what to know. Nothing happens automatically because of a flag. */
export function validateSafety(input: Record<string, unknown>): ValidSafety {
  const errors = new FieldErrors();
  const risk = yes(input.risk);
  const loneWorking = yes(input.loneWorking);
  const riskNote = optionalText(errors, 'riskNote', input.riskNote, 1000, 'Risk note');
  const loneWorkingNote = optionalText(errors, 'loneWorkingNote', input.loneWorkingNote, 1000, 'Lone-working note');
  if (risk && !riskNote) errors.add('riskNote', 'Say what staff should know about the risk');
  if (loneWorking && !loneWorkingNote) errors.add('loneWorkingNote', 'Say what lone-working precautions to take, for example meet in a public place with a colleague');
  errors.throwIfAny();
  return { risk, riskNote, loneWorking, loneWorkingNote };
}

export interface ValidConcern {
  what: string;
  raisedOn: string;
  raisedWith: string;
}

export function validateConcern(input: Record<string, unknown>, today: string): ValidConcern {
  const errors = new FieldErrors();
  const what = text(input.what);
  if (what === '') errors.add('what', 'Describe the concern');
  else if (what.length > 2000) errors.add('what', 'Concern must be 2,000 characters or fewer');
  const raisedOn = text(input.raisedOn) || today;
  if (!isDay(raisedOn)) errors.add('raisedOn', 'Enter when it was raised as a real date, like 2026-11-20');
  else if (raisedOn > today) errors.add('raisedOn', 'Date raised must be today or in the past');
  const raisedWith = text(input.raisedWith);
  if (raisedWith === '') errors.add('raisedWith', 'Say who it was raised with, for example the local authority safeguarding team');
  else if (raisedWith.length > 200) errors.add('raisedWith', 'Must be 200 characters or fewer');
  errors.throwIfAny();
  return { what, raisedOn, raisedWith };
}
