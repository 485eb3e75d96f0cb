import { logNormal, normal, weightedPicker, type Random } from '../../platform/generate/random.js';
import type { ContactType } from '../cases/rules.js';
import { transitionAllowed, type OfferState } from '../offers/rules.js';
import type { Journey } from './shape.js';

/**
 * The shape of casework in a synthetic year: contacts between first contact and closure, offers of
 * the PCN's own directory services with their histories, and outcome measures' answers. Pure
 * functions of a Random and a referral's journey, unit-tested for their rules (shape.test.ts); the
 * stages in year.ts only turn them into rows.
 *
 * Figures are plausible, not measured. People facing multiple disadvantage (MD) are seen more often
 * and for longer, more often on the street or in a day centre, more often not there when the link
 * worker calls; they try more offers, say no more often, and are accompanied to most introductions.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** A working-hours moment `days` after `after` (9am–5pm UTC on that day), always at least 5 minutes later. */
export function workingTimeAfter(random: Random, after: number, days: number): number {
  const day = Math.floor((after + days * DAY) / DAY) * DAY;
  return Math.max(after + 5 * MINUTE, day + 9 * HOUR + Math.floor(random.next() * 8 * 60) * MINUTE);
}

/** When the case was paused and resumed (resume null while still paused at the end). */
export function pauses(journey: Journey): { from: number; to: number | null }[] {
  const out: { from: number; to: number | null }[] = [];
  for (const step of journey.steps) {
    if (step.action === 'pause') out.push({ from: step.at, to: null });
    if (step.action === 'resume') out.at(-1)!.to = step.at;
  }
  return out;
}

// ---- contacts ------------------------------------------------------------------------------------

export interface PlannedContact {
  at: number;
  type: ContactType;
  minutes: number | null;
  location: string | null;
  nextStep: string | null;
  nextStepDays: number | null;
}

const TYPE_WEIGHTS: Record<'general' | 'md', Record<ContactType, number>> = {
  general: { 'face-to-face': 30, phone: 34, video: 5, text: 10, 'home-visit': 7, outreach: 1, 'accompanied-visit': 5, attempted: 8 },
  md: { 'face-to-face': 22, phone: 13, video: 1, text: 8, 'home-visit': 8, outreach: 18, 'accompanied-visit': 12, attempted: 18 },
};
const TYPES = Object.keys(TYPE_WEIGHTS.general) as ContactType[];
const pickGeneralType = weightedPicker(TYPES, (t) => TYPE_WEIGHTS.general[t]);
const pickMdType = weightedPicker(TYPES, (t) => TYPE_WEIGHTS.md[t]);
const FIRST_GENERAL = weightedPicker(['phone', 'face-to-face', 'home-visit'] as const, (t) => ({ phone: 60, 'face-to-face': 30, 'home-visit': 10 })[t]);
const FIRST_MD = weightedPicker(['outreach', 'face-to-face', 'phone', 'home-visit'] as const, (t) => ({ outreach: 35, 'face-to-face': 35, phone: 20, 'home-visit': 10 })[t]);

/** Median and 90th percentile of a contact's length in minutes, by type; none for a missed call. */
const MINUTES: Record<ContactType, [number, number] | null> = {
  'face-to-face': [45, 80], phone: [15, 35], video: [30, 50], text: [5, 10], 'home-visit': [60, 110], outreach: [40, 100], 'accompanied-visit': [120, 220], attempted: null,
};
const PLACES: Partial<Record<ContactType, readonly string[]>> = {
  'face-to-face': ['GP practice', 'Community centre', 'Library', 'Café', 'Family hub'],
  'home-visit': ['Home'],
  outreach: ['Day centre', 'Street outreach', 'Hostel', 'Food bank', 'Drop-in'],
  'accompanied-visit': ['Community group', 'Housing office', 'Jobcentre', 'Advice centre'],
};
const NEXT_STEPS = [
  'Call to see how the first session went',
  'Meet to go through the plan',
  'Check in by phone',
  'Go together to the drop-in',
  'Follow up the benefits appointment',
  'Text a reminder about the group',
  'Review what matters and next steps',
];

function contactType(random: Random, md: boolean): ContactType {
  return (md ? pickMdType : pickGeneralType)(random);
}

function minutesFor(random: Random, type: ContactType, md: boolean): number | null {
  const range = MINUTES[type];
  if (!range) return null;
  const minutes = logNormal(random, range[0] * (md ? 1.25 : 1), range[1] * (md ? 1.25 : 1));
  return Math.min(720, Math.max(1, Math.round(minutes / 5) * 5 || 1));
}

/**
 * The contacts of one case, in time order:
 *  - attempts (no answer) between allocation and first contact: some for most MD cases, fewer
 *    otherwise; three to six for those never reached, before they close as unable to contact;
 *  - the first contact on its day (MD: often outreach or face to face);
 *  - then one every 12 days or so (MD every 6), none while paused, until closure or the year's end;
 *  - the latest contact of a case still open carries the next step and its date.
 */
export function planContacts(random: Random, journey: Journey, md: boolean, end: number): PlannedContact[] {
  const out: PlannedContact[] = [];
  const add = (at: number, type: ContactType) =>
    out.push({ at, type, minutes: minutesFor(random, type, md), location: PLACES[type] ? random.pick(PLACES[type]) : null, nextStep: null, nextStepDays: null });
  const { allocatedAt, firstContactAt, closedAt } = journey;
  if (allocatedAt === null) return out;
  const until = closedAt ?? end - 1;

  // Attempts before reaching the person, spread between allocation and first contact (or closure).
  const reachBy = firstContactAt ?? until;
  const attempts = firstContactAt === null ? (closedAt !== null ? random.int(3, 6) : random.int(0, 2)) : md ? random.int(0, 3) : random.chance(0.3) ? random.int(1, 2) : 0;
  const spanDays = (reachBy - allocatedAt) / DAY;
  const times = Array.from({ length: attempts }, () => workingTimeAfter(random, allocatedAt, random.next() * spanDays)).sort((a, b) => a - b);
  for (const at of times) if (at < reachBy) add(at, 'attempted');
  if (firstContactAt === null) {
    if (closedAt === null && out.length) Object.assign(out.at(-1)!, { nextStep: 'Try to reach them again', nextStepDays: random.int(1, 7) });
    return out;
  }

  add(firstContactAt, (md ? FIRST_MD : FIRST_GENERAL)(random));
  const paused = pauses(journey);
  let at = firstContactAt;
  for (let n = 0; n < 80; n++) {
    at = workingTimeAfter(random, at, Math.max(1, logNormal(random, md ? 6 : 12, md ? 16 : 30)));
    const pause = paused.find((p) => at >= p.from && (p.to === null || at < p.to));
    if (pause) {
      if (pause.to === null) break;
      at = workingTimeAfter(random, pause.to, random.int(0, 3));
    }
    if (at >= until) break;
    add(at, contactType(random, md));
  }
  // Closing well: most people who finished have a last conversation on the day.
  if (closedAt !== null && journey.engagedAt !== null && random.chance(0.7)) add(closedAt, random.chance(0.6) ? 'phone' : 'face-to-face');
  const last = out.at(-1);
  if (closedAt === null && last) {
    last.nextStep = random.pick(NEXT_STEPS);
    last.nextStepDays = random.int(3, 21);
  }
  return out;
}

// ---- offers --------------------------------------------------------------------------------------

export interface OfferableService {
  id: string;
  name: string;
  needs: readonly string[];
}

export interface OfferStep {
  kind: 'suggested' | 'transition' | 'accompanied-session';
  from: OfferState | null;
  to: OfferState;
  at: number;
  accompanied: boolean;
  reason: string | null;
  /** For an accompanied session: the day (ms, UTC midnight). */
  sessionOn: number | null;
}

export interface PlannedOffer {
  service: OfferableService;
  steps: OfferStep[];
  state: OfferState;
  accompanied: boolean;
  reason: string | null;
}

const DECLINE_WORDS = [
  'Not for me right now',
  'It is too far to get to',
  'I would rather do something on my own',
  'The times do not fit with my shifts',
  'I am not ready for a group yet',
  'I have found something else',
  'I would prefer something closer to home',
];
const STOP_WORDS = ['It did not feel right for me', 'Too hard to get there each week', 'Started work, so the times clash', 'It was not what I expected', 'Felt better, so stopped'];

/** How many services are suggested to one person: most try one to three; the MD cohort a few more. */
export function offerCount(random: Random, md: boolean): number {
  const roll = random.next();
  return md ? (roll < 0.1 ? 0 : roll < 0.3 ? 1 : roll < 0.55 ? 2 : roll < 0.8 ? 3 : roll < 0.93 ? 4 : 5) : roll < 0.15 ? 0 : roll < 0.5 ? 1 : roll < 0.8 ? 2 : roll < 0.95 ? 3 : 4;
}

/**
 * One offer's history from `start` to no later than `until`, each move one the offers rules allow:
 * suggested → interested | declined → introduced (accompanied: MD 55%, others 15%) → attending →
 * stopped | completed; some change their mind after an introduction. Accompanied introductions log
 * one to three sessions the link worker went to with the person. A move after `until` never happens.
 */
export function planOfferSteps(random: Random, md: boolean, start: number, until: number): Omit<PlannedOffer, 'service'> {
  const steps: OfferStep[] = [{ kind: 'suggested', from: null, to: 'suggested', at: start, accompanied: false, reason: null, sessionOn: null }];
  let state: OfferState = 'suggested';
  let at = start;
  let accompanied = false;
  let reason: string | null = null;
  const move = (to: OfferState, days: number, extra: { accompanied?: boolean; reason?: string | null } = {}) => {
    const when = workingTimeAfter(random, at, days);
    if (when > until || !transitionAllowed(state, to)) return false;
    steps.push({ kind: 'transition', from: state, to, at: when, accompanied: extra.accompanied ?? false, reason: extra.reason ?? null, sessionOn: null });
    at = when;
    state = to;
    reason = to === 'declined' || to === 'stopped' ? (extra.reason ?? null) : null;
    if (to === 'introduced') accompanied = extra.accompanied ?? false;
    return true;
  };
  const words = (list: readonly string[]) => (random.chance(0.6) ? random.pick(list) : null);
  const finish = () => ({ steps, state, accompanied, reason });

  if (random.chance(md ? 0.38 : 0.25)) {
    move('declined', random.int(0, 7), { reason: words(DECLINE_WORDS) });
    return finish();
  }
  if (!move('interested', random.int(0, 5))) return finish();
  if (random.chance(0.12)) {
    move('declined', random.int(1, 14), { reason: words(DECLINE_WORDS) });
    return finish();
  }
  if (!move('introduced', logNormal(random, 5, 14), { accompanied: random.chance(md ? 0.55 : 0.15) })) return finish();
  if (accompanied) {
    let session = at;
    for (let s = random.int(1, 3); s > 0; s--) {
      session = workingTimeAfter(random, session, random.int(1, 10));
      if (session > until) break;
      steps.push({ kind: 'accompanied-session', from: state, to: state, at: session, accompanied: true, reason: null, sessionOn: Math.floor(session / DAY) * DAY });
      at = session;
    }
  }
  const roll = random.next();
  if (roll < 0.1) {
    move('declined', random.int(1, 14), { reason: words(DECLINE_WORDS) });
    return finish();
  }
  if (roll < 0.25) {
    move('stopped', random.int(7, 30), { reason: words(STOP_WORDS) });
    return finish();
  }
  if (!move('attending', random.int(2, 14))) return finish();
  const after = random.next();
  if (after < 0.45) move('completed', logNormal(random, 56, 120));
  else if (after < 0.75) move('stopped', logNormal(random, 28, 90), { reason: words(STOP_WORDS) });
  return finish();
}

/** Services for a person: mostly ones for their needs, never the same one twice. */
export function pickServices(random: Random, services: readonly OfferableService[], byNeed: ReadonlyMap<string, readonly OfferableService[]>, needs: readonly string[], count: number): OfferableService[] {
  const chosen: OfferableService[] = [];
  for (let tries = 0; chosen.length < count && tries < count * 4; tries++) {
    const forNeed = byNeed.get(random.pick(needs));
    const pool = forNeed?.length && random.chance(0.85) ? forNeed : services;
    if (pool.length === 0) break;
    const service = random.pick(pool);
    if (!chosen.includes(service)) chosen.push(service);
  }
  return chosen;
}

// ---- outcome measures ----------------------------------------------------------------------------

/**
 * Answers for one measure at baseline and follow-up: a starting level for the person (worse for the
 * MD cohort) and a change (most a little better, some not, a few worse), turned into whole answers
 * on the measure's scale with item-level noise. `better` is +1 where a higher answer is better.
 */
export interface AnswerModel {
  items: number;
  min: number;
  max: number;
  /** Mean answer at baseline, general and MD, the better way up (as if higher were better). */
  baseline: { general: number; md: number };
  /** Mean change of an answer by follow-up (in the better direction) and its spread. */
  change: { mean: number; sd: number };
  /** Per-item direction: +1 if higher is better. */
  better: readonly number[];
}

export function personLevel(random: Random): { level: number; change: number } {
  return { level: normal(random), change: normal(random) };
}

/** One set of answers: the person's level, moved by `progress` (0 at baseline, 1 at follow-up). */
export function answersFor(random: Random, model: AnswerModel, md: boolean, person: { level: number; change: number }, progress: number): number[] {
  const spread = (model.max - model.min) / 6;
  return Array.from({ length: model.items }, (_, i) => {
    const direction = model.better[i] ?? 1;
    // The baseline is stated the better way up; an item where lower is better mirrors it.
    const good = md ? model.baseline.md : model.baseline.general;
    const base = (direction > 0 ? good : model.min + model.max - good) + direction * person.level * spread * 0.8;
    const moved = base + direction * progress * (model.change.mean + model.change.sd * person.change);
    const value = Math.round(moved + normal(random) * spread * 0.5);
    return Math.min(model.max, Math.max(model.min, value));
  });
}
