import type { ReferralStatus } from '../../platform/db/schema.js';
import { logNormal, normal, weightedPicker, type Random } from '../../platform/generate/random.js';
import { ACTION_DONE, actionAllowed, nextStatus, snomedFor, type CloseReason, type MultipleDisadvantage, type ReferralAction } from '../referrals/rules.js';

/**
 * The shape of a synthetic national year: who refers, with which needs, how long each step takes
 * and where each referral has got to by the end of the year. Pure functions of a Random, so each is
 * unit-tested for its proportions, and the generator (national.ts) only arranges rows around them.
 *
 * Figures are plausible, not measured: they follow the proportions NHS England and the National
 * Academy for Social Prescribing describe (most referrals from general practice, a minority of
 * self-referrals, loneliness and mental wellbeing the commonest needs, most people seen within two
 * weeks) and MEAM's description of multiple disadvantage (two or more of homelessness, substance
 * use, offending, mental ill-health; domestic abuse often with them).
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

// ---- who refers -------------------------------------------------------------------------------

export type SourceKind = 'gp-practice' | 'self' | 'vcse' | 'housing' | 'local-authority' | 'other-referrer';

const SOURCE_WEIGHTS: Record<'general' | 'md', Record<SourceKind, number>> = {
  general: { 'gp-practice': 70, self: 11, vcse: 7, housing: 4, 'local-authority': 5, 'other-referrer': 3 },
  md: { 'gp-practice': 38, self: 8, vcse: 20, housing: 18, 'local-authority': 10, 'other-referrer': 6 },
};
const SOURCES = Object.keys(SOURCE_WEIGHTS.general) as SourceKind[];
const pickGeneralSource = weightedPicker(SOURCES, (s) => SOURCE_WEIGHTS.general[s]);
const pickMdSource = weightedPicker(SOURCES, (s) => SOURCE_WEIGHTS.md[s]);

/** Where a referral comes from: mostly general practice; people facing multiple disadvantage more often via housing and the voluntary sector. */
export function pickSource(random: Random, md: boolean): SourceKind {
  return (md ? pickMdSource : pickGeneralSource)(random);
}

// ---- multiple disadvantage --------------------------------------------------------------------

/** The share of referrals for people facing multiple disadvantage. */
export const MD_SHARE = 0.1;

const MD_WEIGHTS: Record<MultipleDisadvantage, number> = {
  'mental-ill-health': 0.8,
  'substance-use': 0.7,
  homelessness: 0.65,
  offending: 0.45,
  'domestic-abuse': 0.35,
};
const MD_COUNT = weightedPicker([2, 3, 4, 5], (n) => ({ 2: 55, 3: 30, 4: 12, 5: 3 })[n]!);

/** Two or more indicators (MEAM's definition), the commoner ones more often. */
export function mdIndicators(random: Random): MultipleDisadvantage[] {
  const count = MD_COUNT(random);
  const left = Object.keys(MD_WEIGHTS) as MultipleDisadvantage[];
  const chosen: MultipleDisadvantage[] = [];
  while (chosen.length < count) {
    const pick = weightedPicker(left, (i) => MD_WEIGHTS[i])(random);
    chosen.push(pick);
    left.splice(left.indexOf(pick), 1);
  }
  return chosen.sort();
}

// ---- needs --------------------------------------------------------------------------------------

const PRIMARY_GENERAL: Record<string, number> = {
  'social-isolation': 22, 'mental-wellbeing': 20, 'money-and-debt': 10, 'physical-activity': 9, benefits: 6, housing: 5, bereavement: 5,
  employment: 3, food: 3, carers: 3, 'fuel-poverty': 2, 'arts-and-creativity': 2, 'nature-and-green-space': 2, 'education-and-skills': 1.5,
  'digital-skills': 1.5, volunteering: 1.5, 'drug-and-alcohol': 1, 'domestic-abuse': 1, legal: 1, homelessness: 0.5,
};
const PRIMARY_MD: Record<string, number> = {
  housing: 18, homelessness: 15, 'drug-and-alcohol': 15, 'mental-wellbeing': 15, 'money-and-debt': 10, benefits: 8, 'domestic-abuse': 6,
  food: 5, legal: 4, 'social-isolation': 4,
};

/** Needs that come together: given the first, how likely each other one is. */
export const CO_OCCURRENCE: Record<string, Record<string, number>> = {
  'social-isolation': { 'mental-wellbeing': 0.45, 'physical-activity': 0.15, bereavement: 0.12, 'arts-and-creativity': 0.1, 'digital-skills': 0.08, volunteering: 0.06 },
  'mental-wellbeing': { 'social-isolation': 0.4, 'physical-activity': 0.15, 'money-and-debt': 0.12, 'nature-and-green-space': 0.08 },
  'physical-activity': { 'mental-wellbeing': 0.3, 'social-isolation': 0.25 },
  'money-and-debt': { benefits: 0.5, 'mental-wellbeing': 0.25, 'fuel-poverty': 0.25, food: 0.2, housing: 0.15 },
  benefits: { 'money-and-debt': 0.5, food: 0.15, employment: 0.1 },
  housing: { 'money-and-debt': 0.3, homelessness: 0.25, benefits: 0.2, 'mental-wellbeing': 0.2 },
  homelessness: { housing: 0.6, benefits: 0.4, 'mental-wellbeing': 0.35, 'drug-and-alcohol': 0.3, food: 0.3 },
  'drug-and-alcohol': { 'mental-wellbeing': 0.5, housing: 0.3, legal: 0.15 },
  'domestic-abuse': { 'mental-wellbeing': 0.5, housing: 0.4, legal: 0.3 },
  employment: { 'education-and-skills': 0.2, 'money-and-debt': 0.2, 'digital-skills': 0.15, volunteering: 0.1 },
  bereavement: { 'mental-wellbeing': 0.5, 'social-isolation': 0.4 },
  carers: { 'mental-wellbeing': 0.4, 'social-isolation': 0.3, benefits: 0.2 },
  food: { 'money-and-debt': 0.5, benefits: 0.2 },
  'fuel-poverty': { 'money-and-debt': 0.5, benefits: 0.3 },
};
const OTHERWISE = { 'social-isolation': 0.2, 'mental-wellbeing': 0.2 };

/** The need an indicator of multiple disadvantage usually comes with. */
const MD_NEED: Record<MultipleDisadvantage, string> = {
  homelessness: 'homelessness',
  'substance-use': 'drug-and-alcohol',
  'domestic-abuse': 'domestic-abuse',
  'mental-ill-health': 'mental-wellbeing',
  offending: 'legal',
};

const pickPrimaryGeneral = weightedPicker(Object.keys(PRIMARY_GENERAL), (n) => PRIMARY_GENERAL[n]!);
const pickPrimaryMd = weightedPicker(Object.keys(PRIMARY_MD), (n) => PRIMARY_MD[n]!);

/** One to four needs: a main one, the needs that tend to come with it, and those that go with the person's indicators. */
export function pickNeeds(random: Random, md: readonly MultipleDisadvantage[]): string[] {
  const needs = [(md.length ? pickPrimaryMd : pickPrimaryGeneral)(random)];
  for (const indicator of md) if (random.chance(0.7) && !needs.includes(MD_NEED[indicator])) needs.push(MD_NEED[indicator]);
  const related = CO_OCCURRENCE[needs[0]!] ?? OTHERWISE;
  for (const [need, p] of Object.entries(related)) if (needs.length < 4 && !needs.includes(need) && random.chance(p)) needs.push(need);
  return needs.slice(0, 4);
}

const NEED_WORDS: Record<string, string> = {
  'social-isolation': 'feeling lonely and cut off', 'mental-wellbeing': 'low mood and anxiety', 'physical-activity': 'wanting to get more active',
  'money-and-debt': 'money worries and debt', benefits: 'a benefits claim', housing: 'problems with their housing', employment: 'finding work',
  'education-and-skills': 'learning new skills', food: 'not always having enough to eat', carers: 'caring for a family member',
  'drug-and-alcohol': 'drinking or drug use', 'domestic-abuse': 'abuse at home', legal: 'a legal problem', 'digital-skills': 'getting online',
  bereavement: 'a recent bereavement', 'arts-and-creativity': 'wanting something creative to do', 'nature-and-green-space': 'getting outdoors more',
  'fuel-poverty': 'heating their home', homelessness: 'having nowhere settled to live', volunteering: 'wanting to volunteer',
};
const OPENERS = ['Would like support with', 'Asked for help with', 'Struggling with', 'Referred for help with', 'Needs support with'];

/** A referral reason in a sentence, from the needs alone: never a name or a detail of a real person. */
export function reasonFor(random: Random, needs: readonly string[]): string {
  const words = needs.map((n) => NEED_WORDS[n] ?? n);
  const list = words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : words[0]!;
  return `${random.pick(OPENERS)} ${list}.`;
}

// ---- the person -----------------------------------------------------------------------------------

/** Age at referral: social prescribing reaches mostly older adults, with a second, younger group; the MD cohort is younger. */
export function ageAtReferral(random: Random, md: boolean): number {
  const age = md ? 40 + 11 * normal(random) : random.chance(0.6) ? 63 + 15 * normal(random) : 38 + 12 * normal(random);
  return Math.min(md ? 80 : 99, Math.max(18, Math.round(age)));
}

/** Share without an NHS number known to the referrer: higher for people facing multiple disadvantage; about 8% overall. */
export function hasNhsNumber(random: Random, md: boolean): boolean {
  return !random.chance(md ? 0.17 : 0.07);
}

/** No fixed abode: mostly people whose indicators include homelessness. */
export function noFixedAbode(random: Random, md: readonly MultipleDisadvantage[]): boolean {
  return random.chance(md.includes('homelessness') ? 0.4 : 0.003);
}

/**
 * NHS numbers from the test range 999 000 000 0 – 999 999 999 9 that pass the modulus 11 check
 * (about 909,000 of them), in an order fixed by the seed. The k-th person with an NHS number gets the
 * k-th number, so numbers never repeat until the range runs out (over about 909,000 people).
 */
export function testNhsNumbers(seed: number): (k: number) => string {
  const valid: number[] = [];
  for (let n = 0; n < 1_000_000; n++) {
    const digits = `999${String(n).padStart(6, '0')}`;
    let sum = 0;
    for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
    const check = (11 - (sum % 11)) % 11;
    if (check !== 10) valid.push(n * 10 + check);
  }
  const length = valid.length;
  let stride = 7919 + (seed % 1000) * 2;
  while (gcd(stride, length) !== 1) stride += 2;
  const offset = seed % length;
  return (k) => `999${String(valid[(offset + k * stride) % length]!).padStart(7, '0')}`;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Numbers Ofcom keeps for drama: never a real line. */
export function testMobile(random: Random): string {
  return `07700900${String(random.int(0, 999)).padStart(3, '0')}`;
}

// ---- when -----------------------------------------------------------------------------------------

/** Fewer referrals in August and over Christmas; weekdays far more than weekends. */
const MONTH_WEIGHT = [1.05, 1.05, 1.1, 1.0, 1.0, 1.0, 0.95, 0.8, 1.0, 1.05, 1.05, 0.85];

/**
 * When a referral arrives, within [start, end): a day weighted by month and weekday, in working
 * hours for professionals, any time from 7am to 11pm for self-referrals.
 */
export function receivedAt(random: Random, start: number, end: number, self: boolean): number {
  const days = Math.floor((end - start) / DAY);
  for (;;) {
    const day = start + random.int(0, days - 1) * DAY;
    const date = new Date(day);
    const weekday = date.getUTCDay();
    const weight = MONTH_WEIGHT[date.getUTCMonth()]! * (weekday === 0 || weekday === 6 ? (self ? 0.6 : 0.08) : 1);
    if (random.next() * 1.1 < weight) {
      const hours = self ? 7 + 16 * random.next() : 8 + 9.5 * random.next();
      return day + Math.floor(hours * HOUR / MINUTE) * MINUTE;
    }
  }
}

// ---- the journey ----------------------------------------------------------------------------------

export interface JourneyStep {
  action: 'receive' | ReferralAction;
  from: ReferralStatus | null;
  to: ReferralStatus;
  at: number;
  /** For decline and close: the close reason; for redirect and allocate the caller words it. */
  closeReason: CloseReason | null;
  snomedCode: string | null;
}

export interface Journey {
  steps: JourneyStep[];
  status: ReferralStatus;
  statusBeforePause: ReferralStatus | null;
  closeReason: CloseReason | null;
  /** When the case was opened (accepted), if it was. */
  acceptedAt: number | null;
  allocatedAt: number | null;
  firstContactAt: number | null;
  engagedAt: number | null;
  closedAt: number | null;
  redirected: boolean;
}

const DECLINE = weightedPicker(['wrong-service', 'person-declined', 'unable-to-contact', 'duplicate', 'other'] as const, (r) => ({ 'wrong-service': 30, 'person-declined': 35, 'unable-to-contact': 22, duplicate: 6, other: 7 })[r]);
const COMPLETION = weightedPicker(['completed', 'person-declined', 'unable-to-contact', 'other'] as const, (r) => ({ completed: 85, 'person-declined': 7, 'unable-to-contact': 5, other: 3 })[r]);

/** The share of referrals declined, and passed to another service, at triage. */
export const DECLINED_SHARE = 0.09;
export const REDIRECTED_SHARE = 0.015;

/**
 * Where a referral received at `received` has got to by `end`: every step with its time, in the
 * order the referral service allows (received → accepted → allocated → first contact → engaged →
 * closed, with declines, redirects, pauses and closures on the way). Steps after `end` do not happen.
 *
 *  - Triage: median 3 days (urgent 1), 90th percentile 12 (urgent 4). 9% declined, 1.5% redirected.
 *  - Allocation: same day for 60%, else median 1.5 days.
 *  - First contact after allocation: median 5 days (MD 7), 90th percentile 18 (MD 30); 8% (MD 18%)
 *    are never reached and close as unable to contact three to six weeks on; 4% decline at first contact.
 *  - Engaged: median 3 days after first contact; 6% (MD 12%) pause once for about two weeks.
 *  - Closed: median 10 weeks after engaging, 90th percentile 20; mostly completed.
 */
export function journey(random: Random, received: number, end: number, urgent: boolean, md: boolean): Journey {
  const steps: JourneyStep[] = [{ action: 'receive', from: null, to: 'received', at: received, closeReason: null, snomedCode: null }];
  const out: Journey = {
    steps, status: 'received', statusBeforePause: null, closeReason: null,
    acceptedAt: null, allocatedAt: null, firstContactAt: null, engagedAt: null, closedAt: null, redirected: false,
  };
  let at = received;
  // Working hours: a step lands on its day between 9am and 5pm, and always after the one before.
  const next = (days: number) => {
    const day = Math.floor((at + days * DAY) / DAY) * DAY;
    at = Math.max(at + 5 * MINUTE, day + 9 * HOUR + Math.floor(random.next() * 8 * 60) * MINUTE);
    return at <= end;
  };
  const step = (action: ReferralAction, to: ReferralStatus, closeReason: CloseReason | null = null) => {
    steps.push({ action, from: out.status, to, at, closeReason, snomedCode: snomedFor(action, closeReason) });
    out.status = to;
    if (to === 'closed') {
      out.closeReason = closeReason;
      out.closedAt = at;
    }
  };

  const roll = random.next();
  if (!next(logNormal(random, urgent ? 1 : 3, urgent ? 4 : 12))) return out;
  if (roll < DECLINED_SHARE) {
    step('decline', 'closed', DECLINE(random));
    return out;
  }
  if (roll < DECLINED_SHARE + REDIRECTED_SHARE) {
    step('redirect', 'closed', 'redirected');
    out.redirected = true;
    return out;
  }
  step('accept', 'accepted');
  out.acceptedAt = at;

  if (!next(random.chance(0.6) ? 0 : logNormal(random, 1.5, 6))) return out;
  step('allocate', 'allocated');
  out.allocatedAt = at;

  const unreachable = random.chance(md ? 0.18 : 0.08);
  if (unreachable) {
    if (next(random.int(21, 42))) step('close', 'closed', 'unable-to-contact');
    return out;
  }
  if (!next(logNormal(random, md ? 7 : 5, md ? 30 : 18))) return out;
  step('record-first-contact', 'first-contact');
  out.firstContactAt = at;
  if (random.chance(0.04)) {
    if (next(random.int(0, 7))) step('close', 'closed', 'person-declined');
    return out;
  }

  if (!next(logNormal(random, 3, 14))) return out;
  step('record-engaged', 'engaged');
  out.engagedAt = at;

  const closeAfter = logNormal(random, 70, 140);
  if (random.chance(md ? 0.12 : 0.06)) {
    const pauseAfter = random.int(7, 40);
    if (!next(pauseAfter)) return out;
    step('pause', 'paused');
    out.statusBeforePause = 'engaged';
    if (!next(logNormal(random, 14, 40))) return out;
    step('resume', 'engaged');
    out.statusBeforePause = null;
    if (!next(Math.max(1, closeAfter - pauseAfter))) return out;
  } else if (!next(closeAfter)) return out;
  step('close', 'closed', COMPLETION(random));
  return out;
}

/**
 * Whether a history could have been written by the referral service: it starts with the referral
 * received, each step starts where the one before ended, and each is an action the service allows
 * from that status, leading where the service's own rules lead.
 */
export function historyIsValid(steps: readonly { action: string; from: ReferralStatus | null; to: ReferralStatus }[]): boolean {
  if (steps.length === 0 || steps[0]!.action !== 'receive' || steps[0]!.from !== null || steps[0]!.to !== 'received') return false;
  let beforePause: ReferralStatus | null = null;
  for (let i = 1; i < steps.length; i++) {
    const { action, from, to } = steps[i]!;
    if (from !== steps[i - 1]!.to || !from) return false;
    const known = action as ReferralAction;
    if (!(known in ACTION_DONE) || !actionAllowed(known, from) || nextStatus(known, from, beforePause) !== to) return false;
    if (known === 'pause') beforePause = from;
    if (known === 'resume') beforePause = null;
  }
  return true;
}

/** Urgent referrals: a few, more for people facing multiple disadvantage. */
export function isUrgent(random: Random, md: boolean): boolean {
  return random.chance(md ? 0.15 : 0.05);
}
