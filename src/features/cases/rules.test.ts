import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../platform/errors.js';
import { casePolicy } from './policy.js';
import { can } from '../../platform/auth/policy.js';
import { ROLES } from '../../platform/db/schema.js';
import {
  addWorkingDays,
  adviceAfterAttempts,
  attemptsInARow,
  bankHolidays,
  caseWeight,
  closureNeedsTeamLead,
  CASE_CLOSE_REASONS,
  decideAllocation,
  DEFAULT_SETTINGS,
  firstContactState,
  isMeeting,
  mdFromIndicators,
  MD_EXEMPTION_TEXT,
  REFERRAL_REASON_FOR,
  sessionAllowance,
  validateContact,
  validateMdChange,
  validatePause,
  validateSafety,
  validateSettings,
  validateWhatMatters,
} from './rules.js';
import { neutralClosure } from '../referrals/rules.js';

const settings = DEFAULT_SETTINGS;

describe('programme settings', () => {
  it('default to a cap of 6 meetings, the MD cohort exempt, weights 1 and 2, first contact in 5 working days', () => {
    expect(settings).toMatchObject({ sessionCap: 6, mdExemptFromCap: true, weightStandard: 1, weightMd: 2, firstContactWorkingDays: 5 });
  });

  it('are checked field by field; an empty session limit means no limit', () => {
    const valid = validateSettings({ sessionCap: '', mdExemptFromCap: 'yes', weightStandard: '1', weightMd: '2.5', defaultCapacity: '30', firstContactWorkingDays: '5', attemptsBeforeReview: '3' });
    expect(valid).toMatchObject({ sessionCap: null, weightMd: 2.5 });
    try {
      validateSettings({ sessionCap: '0', weightStandard: '0.3', weightMd: 'x', defaultCapacity: '', firstContactWorkingDays: '1.5', attemptsBeforeReview: '99' });
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationFailed).errors.map((e) => e.field)).toEqual(['sessionCap', 'weightStandard', 'weightMd', 'defaultCapacity', 'firstContactWorkingDays', 'attemptsBeforeReview']);
    }
  });
});

describe('session cap: the MD cohort is exempt, and reaching the cap prompts a review, never a closure', () => {
  it('shows the exemption for an MD case however many meetings there have been', () => {
    expect(sessionAllowance(settings, true, 40)).toEqual({ kind: 'exempt', held: 40, text: 'No session limit — multiple disadvantage' });
    expect(MD_EXEMPTION_TEXT).toBe('No session limit — multiple disadvantage');
  });

  it('counts a standard case against the cap and prompts a review at the cap, saying nothing closes', () => {
    expect(sessionAllowance(settings, false, 5)).toMatchObject({ kind: 'capped', cap: 6, reviewDue: false, text: '5 of 6 meetings' });
    const atCap = sessionAllowance(settings, false, 6);
    expect(atCap).toMatchObject({ kind: 'capped', reviewDue: true });
    expect(atCap.text).toContain('review');
    expect(atCap.text).toContain('nothing closes');
  });

  it('applies the cap to MD cases only if the programme removes the exemption, and to nobody without a cap', () => {
    expect(sessionAllowance({ ...settings, mdExemptFromCap: false }, true, 6)).toMatchObject({ kind: 'capped', reviewDue: true });
    expect(sessionAllowance({ ...settings, sessionCap: null }, false, 100)).toMatchObject({ kind: 'unlimited' });
  });

  it('counts meetings, not texts or tries that got no answer', () => {
    expect(isMeeting('face-to-face')).toBe(true);
    expect(isMeeting('accompanied-visit')).toBe(true);
    expect(isMeeting('text')).toBe(false);
    expect(isMeeting('attempted')).toBe(false);
  });
});

describe('caseloads are weighted by complexity and allocation refuses to overload', () => {
  it('weighs an MD case twice a standard one by default', () => {
    expect(caseWeight(settings, false)).toBe(1);
    expect(caseWeight(settings, true)).toBe(2);
  });

  it('allocates within capacity, up to exactly full', () => {
    expect(decideAllocation({ load: 28, capacity: 30, weight: 2, overrideReason: '' })).toEqual({ allowed: true, overCapacity: false, after: 30 });
  });

  it('refuses past capacity without a reason, saying what the load would be', () => {
    const refused = decideAllocation({ load: 29, capacity: 30, weight: 2, overrideReason: '  ' });
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) expect(refused.message).toContain('31 of 30 weighted units');
  });

  it('allows past capacity with the team lead’s reason, marked as over capacity', () => {
    expect(decideAllocation({ load: 29, capacity: 30, weight: 2, overrideReason: 'Knows Dan from the hostel' })).toEqual({ allowed: true, overCapacity: true, after: 31 });
  });
});

describe('first contact within 5 working days, skipping weekends and England and Wales bank holidays', () => {
  it('knows GOV.UK’s bank holidays, including substitute days and moved ones', () => {
    expect([...bankHolidays(2025)].sort()).toEqual(['2025-01-01', '2025-04-18', '2025-04-21', '2025-05-05', '2025-05-26', '2025-08-25', '2025-12-25', '2025-12-26']);
    expect([...bankHolidays(2026)].sort()).toEqual(['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28']);
    expect([...bankHolidays(2027)].sort()).toEqual(['2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28']);
    expect(bankHolidays(2022).has('2022-09-19')).toBe(true);
    expect(bankHolidays(2022).has('2022-05-30')).toBe(false);
    expect(bankHolidays(2023).has('2023-05-08')).toBe(true);
  });

  it('counts five working days from a Monday to the next Monday', () => {
    expect(addWorkingDays('2026-11-23', 5)).toBe('2026-11-30');
  });

  it('skips Christmas, the Boxing Day substitute and New Year', () => {
    // Wed 23 Dec 2026 → 24 (Thu), 29, 30, 31 Dec, then 4 Jan (1 Jan is a holiday).
    expect(addWorkingDays('2026-12-23', 5)).toBe('2027-01-04');
  });

  it('skips Good Friday and Easter Monday', () => {
    expect(addWorkingDays('2026-04-02', 1)).toBe('2026-04-07');
  });

  it('is due up to the due day, overdue after, and settled once contact is made', () => {
    expect(firstContactState(settings, '2026-11-23', null, '2026-11-30')).toEqual({ state: 'due', due: '2026-11-30' });
    expect(firstContactState(settings, '2026-11-23', null, '2026-12-02')).toEqual({ state: 'overdue', due: '2026-11-30', daysOverdue: 2 });
    expect(firstContactState(settings, '2026-11-23', '2026-11-24', '2026-12-02')).toEqual({ state: 'made', on: '2026-11-24' });
    expect(firstContactState(settings, null, null, '2026-12-02')).toEqual({ state: 'not-allocated' });
  });
});

describe('after unsuccessful attempts: a standard case may be proposed for closure; an MD case never closes for it', () => {
  it('counts only the latest unbroken run of attempts', () => {
    expect(attemptsInARow(['attempted', 'attempted', 'phone', 'attempted'])).toBe(2);
    expect(attemptsInARow(['phone', 'attempted', 'attempted'])).toBe(0);
  });

  it('suggests nothing before the programme’s number of attempts', () => {
    expect(adviceAfterAttempts(settings, false, 2)).toEqual({ kind: 'none' });
  });

  it('lets the link worker propose closing a standard case: a proposal, not a closure', () => {
    expect(adviceAfterAttempts(settings, false, 3)).toEqual({ kind: 'may-propose-closure', attempts: 3 });
  });

  it('flags an MD case for a conversation with the team lead, however many attempts', () => {
    expect(adviceAfterAttempts(settings, true, 3)).toEqual({ kind: 'talk-to-team-lead', attempts: 3 });
    expect(adviceAfterAttempts(settings, true, 50)).toEqual({ kind: 'talk-to-team-lead', attempts: 50 });
  });

  it('lets only a team lead close an MD case because the person could not be reached', () => {
    expect(closureNeedsTeamLead(true, 'unable-to-contact')).toBe(true);
    expect(closureNeedsTeamLead(false, 'unable-to-contact')).toBe(false);
    expect(closureNeedsTeamLead(true, 'goals-met')).toBe(false);
  });
});

describe('closing keeps the referrer’s view neutral', () => {
  it('maps every case closure to a referral reason whose wording says care is not affected', () => {
    for (const reason of CASE_CLOSE_REASONS) {
      const wording = neutralClosure(REFERRAL_REASON_FOR[reason]);
      expect(wording).toContain('does not affect the person’s care');
      expect(wording.toLowerCase()).not.toMatch(/died|moved|goal|transfer/);
    }
  });
});

describe('pausing, MD status and what is recorded', () => {
  it('needs a reason and a review date today or later to pause', () => {
    expect(validatePause({ reason: 'In hospital', reviewDate: '2026-12-01' }, '2026-11-25')).toEqual({ reason: 'In hospital', reviewDate: '2026-12-01' });
    try {
      validatePause({ reason: '', reviewDate: '2026-11-24' }, '2026-11-25');
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationFailed).errors.map((e) => e.field)).toEqual(['reason', 'reviewDate']);
    }
  });

  it('takes MD status from the referral’s indicators, or the link worker’s judgement with a reason', () => {
    expect(mdFromIndicators(['homelessness'])).toBe(true);
    expect(mdFromIndicators([])).toBe(false);
    expect(validateMdChange({ multipleDisadvantage: 'yes', reason: 'Sleeping rough again since the summer' }, false)).toEqual({ multipleDisadvantage: true, reason: 'Sleeping rough again since the summer' });
    expect(() => validateMdChange({ multipleDisadvantage: 'yes', reason: '' }, false)).toThrow(ValidationFailed);
    expect(() => validateMdChange({ multipleDisadvantage: 'yes', reason: 'x' }, true)).toThrow(/already/);
  });

  it('checks a contact: type, a date not in the future, a next step with its date', () => {
    expect(validateContact({ type: 'attempted' }, '2026-11-25')).toMatchObject({ type: 'attempted', contactDate: '2026-11-25', sensitive: false, nextStepDate: null });
    expect(validateContact({ type: 'phone', sensitive: 'yes', note: 'Talked about her sister', nextStep: 'Call again', nextStepDate: '2026-11-27' }, '2026-11-25')).toMatchObject({ sensitive: true, nextStepDate: '2026-11-27' });
    try {
      validateContact({ type: 'carrier-pigeon', contactDate: '2026-11-26', durationMinutes: '0', nextStepDate: '2026-11-20' }, '2026-11-25');
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationFailed).errors.map((e) => e.field)).toEqual(['contactDate', 'type', 'durationMinutes', 'nextStepDate', 'nextStep']);
    }
  });

  it('keeps goals and strengths in the person’s own words, one a line, needs from the taxonomy', () => {
    const valid = validateWhatMatters({ needs: ['housing'], strengths: 'Good with dogs\r\n\r\nFunny', goals: 'Go to the football with Jo the first time\nGet my own place' }, new Set(['housing']));
    expect(valid).toEqual({ needs: ['housing'], strengths: ['Good with dogs', 'Funny'], goals: ['Go to the football with Jo the first time', 'Get my own place'] });
    expect(() => validateWhatMatters({ needs: ['made-up'] }, new Set(['housing']))).toThrow(/Unknown need/);
  });

  it('asks what staff should know when a risk or lone-working flag is set', () => {
    expect(() => validateSafety({ risk: 'yes' })).toThrow(/risk/);
    expect(validateSafety({ loneWorking: 'yes', loneWorkingNote: 'Meet at the hostel office' })).toMatchObject({ loneWorking: true, risk: false });
  });
});

describe('case policy (role × action)', () => {
  const expected: Record<string, string[]> = {
    view: ['team-lead', 'link-worker'],
    work: ['team-lead', 'link-worker'],
    'see-all-sensitive': ['team-lead'],
    'manage-team': ['team-lead'],
    'edit-settings': ['admin', 'team-lead'],
  };
  for (const [action, roles] of Object.entries(expected)) {
    it(`${action}: ${roles.join(', ')}`, () => {
      for (const role of ROLES) {
        const ctx = { role, actor: { userId: 'u', label: 'u', platformAdmin: false } };
        expect(can(ctx, casePolicy, action as keyof typeof casePolicy.rules)).toBe(roles.includes(role));
      }
    });
  }
});
