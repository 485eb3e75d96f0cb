import { describe, expect, it } from 'vitest';
import { REFERRAL_STATUSES } from '../../platform/db/schema.js';
import { ValidationFailed } from '../../platform/errors.js';
import { actionAllowed, neutralClosure, neutralStatus, nextStatus, referenceFrom, snomedFor, validateReferral, CLOSE_REASONS } from './rules.js';

const today = new Date('2026-11-25T12:00:00Z');
const needs = new Set(['social-isolation', 'money-and-debt']);
const valid = {
  person: { givenName: 'Dan', familyName: 'Smith', dateOfBirth: '1988-05-01', noFixedAbode: true, preferredContact: 'via-someone-else', contactNotes: 'Through the hostel key worker, Jo, 0117 496 0000' },
  reason: 'Wants to try the football group if his link worker comes the first time',
  consent: { given: true },
};

describe('what a referrer sees', () => {
  it('maps every status to received, in progress or closed', () => {
    expect(REFERRAL_STATUSES.map(neutralStatus)).toEqual(['received', 'in-progress', 'in-progress', 'in-progress', 'in-progress', 'in-progress', 'closed']);
  });

  it('says every closure does not affect the person’s care', () => {
    for (const reason of [...CLOSE_REASONS, null]) expect(neutralClosure(reason)).toContain('does not affect the person’s care');
  });
});

describe('the referral path is flexible but not meaningless', () => {
  it('pauses from any open status and resumes to where it was', () => {
    for (const status of ['received', 'accepted', 'allocated', 'first-contact', 'engaged'] as const) {
      expect(actionAllowed('pause', status)).toBe(true);
      expect(nextStatus('resume', 'paused', status)).toBe(status);
    }
    expect(actionAllowed('pause', 'closed')).toBe(false);
  });

  it('triages only received referrals, and allocates (or re-allocates) only accepted ones', () => {
    expect(actionAllowed('accept', 'received')).toBe(true);
    expect(actionAllowed('accept', 'accepted')).toBe(false);
    expect(actionAllowed('allocate', 'received')).toBe(false);
    expect(actionAllowed('allocate', 'engaged')).toBe(true);
    expect(nextStatus('allocate', 'engaged', null)).toBe('engaged');
  });

  it('records SNOMED codes for an accepted referral and a person declining, and nothing else', () => {
    expect(snomedFor('accept', null)).toBe('871731000000106');
    expect(snomedFor('decline', 'person-declined')).toBe('871711000000103');
    expect(snomedFor('close', 'person-declined')).toBe('871711000000103');
    expect(snomedFor('decline', 'wrong-service')).toBeNull();
    expect(snomedFor('close', 'unable-to-contact')).toBeNull();
  });

  it('makes references without look-alike characters', () => {
    expect(referenceFrom(new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]))).toBe('LW-ABCD-EFGH');
    expect(referenceFrom(new Uint8Array(8).fill(255))).not.toMatch(/[01IO]/);
  });
});

describe('validating a referral', () => {
  it('accepts Dan: no NHS number, no fixed address, contact through his key worker', () => {
    const referral = validateReferral(valid, needs, today);
    expect(referral.person).toMatchObject({ nhsNumber: null, postcode: null, noFixedAbode: true, preferredContact: 'via-someone-else' });
  });

  it('requires a way to reach someone contacted through another person', () => {
    const error = (() => {
      try {
        validateReferral({ ...valid, person: { ...valid.person, contactNotes: '' } }, needs, today);
      } catch (e) {
        return e as ValidationFailed;
      }
    })();
    expect(error?.errors.map((e) => e.field)).toEqual(['person.contactNotes']);
  });

  it('refuses a date of birth in the future or not on the calendar', () => {
    for (const dateOfBirth of ['2026-11-26', '1980-02-30', '01/02/1980']) {
      expect(() => validateReferral({ ...valid, person: { ...valid.person, dateOfBirth } }, needs, today)).toThrow(/Date of birth/);
    }
    expect(validateReferral({ ...valid, person: { ...valid.person, dateOfBirth: '1980-02-29' } }, needs, today).person.dateOfBirth).toBe('1980-02-29');
  });
});
