import { describe, expect, it } from 'vitest';
import { fieldsOf } from '../../../test/support/errors.js';
import {
  checkSessionDate,
  filterSuggestions,
  OFFER_STATES,
  providerMayRecordAttendance,
  providerMayRespond,
  servicesToLeaveOut,
  suggestionRefusal,
  transitionAllowed,
  TRANSITIONS,
  validateTransition,
  type OfferState,
  type OfferSummary,
} from './rules.js';

describe('an offer’s path: suggested → interested | declined → introduced → attending → stopped | completed', () => {
  it('allows exactly the moves in the table', () => {
    const allowed = OFFER_STATES.flatMap((from) => OFFER_STATES.filter((to) => transitionAllowed(from, to)).map((to) => `${from} → ${to}`));
    expect(allowed).toEqual([
      'suggested → interested',
      'suggested → declined',
      'interested → declined',
      'interested → introduced',
      'declined → interested',
      'introduced → declined',
      'introduced → attending',
      'introduced → stopped',
      'attending → stopped',
      'attending → completed',
      'stopped → interested',
    ]);
  });

  it('refuses skipping the introduction or going back to "suggested"', () => {
    expect(transitionAllowed('suggested', 'attending')).toBe(false);
    expect(transitionAllowed('suggested', 'introduced')).toBe(false);
    for (const from of OFFER_STATES) expect(transitionAllowed(from, 'suggested')).toBe(false);
    expect(TRANSITIONS.completed).toEqual([]);
  });

  it('lets a person who said no change their mind, and someone who stopped try again', () => {
    expect(transitionAllowed('declined', 'interested')).toBe(true);
    expect(transitionAllowed('stopped', 'interested')).toBe(true);
  });
});

describe('what a transition carries', () => {
  it('takes an optional reason in the person’s own words when they say no', () => {
    expect(validateTransition({ to: 'declined', reason: '  Not ready for groups yet  ' }, true)).toEqual({ to: 'declined', accompanied: false, reason: 'Not ready for groups yet', introduction: null });
    expect(validateTransition({ to: 'declined' }, true).reason).toBeNull();
  });

  it('needs a contact route for an introduction to a provider that uses Linkwork, and keeps what the person agreed to share', () => {
    expect(fieldsOf(() => validateTransition({ to: 'introduced', accompanied: true }, true))).toEqual(['contactRoute']);
    expect(validateTransition({ to: 'introduced', accompanied: 'true', contactRoute: 'Through Jo, link worker', shared: 'Prefers a quiet corner' }, true)).toEqual({
      to: 'introduced',
      accompanied: true,
      reason: null,
      introduction: { contactRoute: 'Through Jo, link worker', shared: 'Prefers a quiet corner' },
    });
    // A provider outside Linkwork gets nothing from us, so nothing is asked for.
    expect(validateTransition({ to: 'introduced' }, false).introduction).toBeNull();
  });

  it('names every bad field at once', () => {
    expect(fieldsOf(() => validateTransition({ to: 'suggested', accompanied: 'perhaps', reason: 'x'.repeat(501) }, true))).toEqual(['to', 'accompanied', 'reason']);
    expect(fieldsOf(() => validateTransition({ to: 'introduced', contactRoute: 'x'.repeat(301), shared: 'y'.repeat(1001) }, true))).toEqual(['contactRoute', 'shared']);
  });

  it('takes session dates that happened, not future ones', () => {
    expect(checkSessionDate('2026-11-24', '2026-11-25')).toBe('2026-11-24');
    expect(fieldsOf(() => checkSessionDate('2026-11-26', '2026-11-25'))).toEqual(['on']);
    expect(fieldsOf(() => checkSessionDate('2026-02-30', '2026-11-25'))).toEqual(['on']);
  });
});

describe('trying and refusing as many offers as they like', () => {
  const service = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  it('never counts refusals: after fifty "no"s a new service can still be suggested', () => {
    const offers: OfferSummary[] = Array.from({ length: 50 }, (_, i) => ({ serviceId: service(i), state: i % 2 ? 'declined' : 'stopped' }));
    expect(suggestionRefusal(offers, service(99))).toBeNull();
  });

  it('refuses a second live offer of the same service, and reopens a refused one through its own offer', () => {
    for (const state of ['suggested', 'interested', 'introduced', 'attending'] as OfferState[]) {
      expect(suggestionRefusal([{ serviceId: service(1), state }], service(1))).toMatch(/already offered/);
    }
    expect(suggestionRefusal([{ serviceId: service(1), state: 'declined' }], service(1))).toMatch(/changed their mind/);
    expect(suggestionRefusal([{ serviceId: service(1), state: 'completed' }], service(1))).toBeNull();
  });
});

describe('never re-suggesting what the person said no to', () => {
  const offers: OfferSummary[] = [
    { serviceId: 'garden', state: 'declined' },
    { serviceId: 'walking', state: 'stopped' },
    { serviceId: 'money', state: 'attending' },
    { serviceId: 'lunch', state: 'completed' },
    { serviceId: 'football', state: 'suggested' },
  ];
  const results = ['garden', 'walking', 'money', 'lunch', 'football', 'choir'].map((id) => ({ id }));

  it('leaves out services they declined or stopped', () => {
    expect(servicesToLeaveOut(offers, false).sort()).toEqual(['garden', 'walking']);
    expect(filterSuggestions(results, offers, false).map((r) => r.id)).toEqual(['money', 'lunch', 'football', 'choir']);
  });

  it('shows them again only when the link worker explicitly asks', () => {
    expect(servicesToLeaveOut(offers, true)).toEqual([]);
    expect(filterSuggestions(results, offers, true).map((r) => r.id)).toEqual(['garden', 'walking', 'money', 'lunch', 'football', 'choir']);
  });

  it('shows a service again once the person changes their mind (its offer is no longer "said no")', () => {
    const changed: OfferSummary[] = [{ serviceId: 'garden', state: 'interested' }];
    expect(filterSuggestions(results, changed, false).map((r) => r.id)).toContain('garden');
  });
});

describe('the provider’s side of an introduction', () => {
  it('answers once while the introduction is live, and records attendance only once accepted', () => {
    expect(providerMayRespond('awaiting', false)).toBe(true);
    expect(providerMayRespond('accepted', false)).toBe(false);
    expect(providerMayRespond('awaiting', true)).toBe(false);
    expect(providerMayRecordAttendance('accepted', false)).toBe(true);
    expect(providerMayRecordAttendance('awaiting', false)).toBe(false);
    expect(providerMayRecordAttendance('accepted', true)).toBe(false);
  });
});
