import { FieldErrors, ValidationFailed } from '../../platform/errors.js';

/**
 * The pure rules of activity offers: what state an offer can move to, what a transition must carry,
 * and which services suggestions leave out. No database here, so each rule is tested on its own.
 *
 * An offer is one service suggested to one person. Saying no is as good an outcome as saying yes:
 * nothing counts refusals, nothing limits how many offers a person may try or turn down, and no
 * state of an offer ever touches the case, the referral or the person's health care.
 */

export const OFFER_STATES = ['suggested', 'interested', 'declined', 'introduced', 'attending', 'stopped', 'completed'] as const;
export type OfferState = (typeof OFFER_STATES)[number];

/** Link workers' words for each state. */
export const OFFER_STATE_LABELS: Record<OfferState, string> = {
  suggested: 'Suggested',
  interested: 'Interested',
  declined: 'Said no',
  introduced: 'Introduction made',
  attending: 'Going',
  stopped: 'Stopped going',
  completed: 'Finished',
};

/**
 * Where each state may go. The path is not forced: a person who said no can change their mind, and
 * someone who stopped can try again, each without losing the history of the first time.
 *  - suggested → interested | declined
 *  - interested → introduced | declined
 *  - introduced → attending | declined (decided not to go after all) | stopped
 *  - attending → stopped | completed
 *  - declined → interested (changed their mind)
 *  - stopped → interested (wants to try again)
 *  - completed: finished; another go is a new offer
 */
export const TRANSITIONS: Readonly<Record<OfferState, readonly OfferState[]>> = {
  suggested: ['interested', 'declined'],
  interested: ['introduced', 'declined'],
  introduced: ['attending', 'declined', 'stopped'],
  attending: ['stopped', 'completed'],
  declined: ['interested'],
  stopped: ['interested'],
  completed: [],
};

export function transitionAllowed(from: OfferState, to: OfferState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** States in which the offer is still live: the person is considering, introduced or going. */
export const OPEN_STATES: readonly OfferState[] = ['suggested', 'interested', 'introduced', 'attending'];

/** A person's "no" (or "no more"): suggestions leave these services out unless asked to show them. */
export const SAID_NO_STATES: readonly OfferState[] = ['declined', 'stopped'];

/** Only while the person is introduced or going can the link worker log a session they went to together. */
export function canLogAccompaniedSession(state: OfferState): boolean {
  return state === 'introduced' || state === 'attending';
}

export const MAX_REASON = 500;
export const MAX_CONTACT_ROUTE = 300;
export const MAX_SHARED = 1000;

export interface TransitionInput {
  to?: unknown;
  accompanied?: unknown;
  reason?: unknown;
  /** At introduction: how the provider may get in touch, as agreed with the person. */
  contactRoute?: unknown;
  /** At introduction: what the person agreed the provider may know, in their words. */
  shared?: unknown;
}

export interface ValidTransition {
  to: OfferState;
  accompanied: boolean;
  reason: string | null;
  introduction: { contactRoute: string; shared: string | null } | null;
}

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

function bool(v: unknown): boolean | null {
  if (v === undefined || v === null || v === '') return false;
  if (v === true || v === 'true' || v === 'yes' || v === 'on') return true;
  if (v === false || v === 'false' || v === 'no') return false;
  return null;
}

/**
 * Checks a transition's input, every field at once. `providerInLinkwork`: the service's provider
 * uses Linkwork, so an introduction reaches them and needs a contact route the person agreed to.
 * Whether the move fits the offer's current state is `transitionAllowed` (a 409, not a 400).
 */
export function validateTransition(input: TransitionInput, providerInLinkwork: boolean): ValidTransition {
  const errors = new FieldErrors();
  const to = str(input.to);
  if (!(OFFER_STATES as readonly string[]).includes(to) || to === 'suggested') {
    errors.add('to', `Choose what happened (one of: ${OFFER_STATES.filter((s) => s !== 'suggested').join(', ')})`);
  }
  const accompanied = bool(input.accompanied);
  if (accompanied === null) errors.add('accompanied', 'Accompanied is true or false');
  const reason = str(input.reason);
  if (reason.length > MAX_REASON) errors.add('reason', `Reason must be ${MAX_REASON} characters or fewer`);
  const contactRoute = str(input.contactRoute);
  const shared = str(input.shared);
  if (to === 'introduced' && providerInLinkwork) {
    if (contactRoute === '') errors.add('contactRoute', 'Say how the provider can get in touch, as agreed with the person');
    else if (contactRoute.length > MAX_CONTACT_ROUTE) errors.add('contactRoute', `Contact route must be ${MAX_CONTACT_ROUTE} characters or fewer`);
    if (shared.length > MAX_SHARED) errors.add('shared', `What the person agreed to share must be ${MAX_SHARED} characters or fewer`);
  }
  errors.throwIfAny();
  return {
    to: to as OfferState,
    accompanied: accompanied === true,
    reason: reason === '' ? null : reason,
    introduction: to === 'introduced' && providerInLinkwork ? { contactRoute, shared: shared === '' ? null : shared } : null,
  };
}

export interface OfferSummary {
  serviceId: string;
  state: OfferState;
}

/**
 * Whether a service may be suggested to this person now. The only thing that stops it is a live
 * offer of the same service (change that offer instead). Past refusals of other services never count,
 * however many there are; a service they said no to is reopened by moving its own offer back to
 * "interested", which keeps its history in one place.
 */
export function suggestionRefusal(offers: readonly OfferSummary[], serviceId: string): string | null {
  const same = offers.filter((o) => o.serviceId === serviceId);
  if (same.some((o) => OPEN_STATES.includes(o.state))) return 'This service is already offered to the person: change that offer instead';
  if (same.some((o) => SAID_NO_STATES.includes(o.state))) return 'The person said no to this service before: if they have changed their mind, mark that offer as interested';
  return null;
}

/**
 * The services suggestions leave out: every service the person declined or stopped, unless the link
 * worker explicitly asks to see them (the person asked about it again). Nothing else is left out.
 */
export function servicesToLeaveOut(offers: readonly OfferSummary[], includeDeclined: boolean): string[] {
  if (includeDeclined) return [];
  return [...new Set(offers.filter((o) => SAID_NO_STATES.includes(o.state)).map((o) => o.serviceId))];
}

/** Applies the same rule to results already in hand (for callers that filter a list, and for tests). */
export function filterSuggestions<T extends { id: string }>(results: readonly T[], offers: readonly OfferSummary[], includeDeclined: boolean): T[] {
  const out = new Set(servicesToLeaveOut(offers, includeDeclined));
  return results.filter((r) => !out.has(r.id));
}

/** Provider side: an introduction is waiting, accepted or declined by the provider. */
export const INTRODUCTION_RESPONSES = ['awaiting', 'accepted', 'declined'] as const;
export type IntroductionResponse = (typeof INTRODUCTION_RESPONSES)[number];

export const INTRODUCTION_RESPONSE_LABELS: Record<IntroductionResponse, string> = {
  awaiting: 'Waiting for your reply',
  accepted: 'Accepted',
  declined: 'Not able to take',
};

/** A provider may answer an introduction once, while it is live; attendance only after accepting. */
export function providerMayRespond(response: IntroductionResponse, ended: boolean): boolean {
  return response === 'awaiting' && !ended;
}

export function providerMayRecordAttendance(response: IntroductionResponse, ended: boolean): boolean {
  return response === 'accepted' && !ended;
}

/** A calendar day, not in the future: for sessions that happened. */
export function checkSessionDate(raw: unknown, today: string, field = 'on'): string {
  const value = str(raw);
  const date = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw ValidationFailed.field(field, 'Enter the date of the session, like 2026-11-24');
  }
  if (value > today) throw ValidationFailed.field(field, 'The date of the session must be today or in the past');
  return value;
}
