import { describe, expect, it } from 'vitest';
import { createRandom } from '../../platform/generate/random.js';
import { transitionAllowed, canLogAccompaniedSession } from '../offers/rules.js';
import { BUILT_IN_MEASURES } from '../outcomes/measures/builtin.js';
import { score } from '../outcomes/measures/score.js';
import { answersFor, offerCount, pauses, personLevel, planContacts, planOfferSteps } from './casework.js';
import { buildNation } from './nation.js';
import { journey, receivedAt, type Journey } from './shape.js';
import { ANSWER_MODELS, outcomePlan } from './year.js';

const DAY = 86_400_000;
const START = Date.parse('2025-04-01T00:00:00Z');
const END = Date.parse('2026-04-01T00:00:00Z');
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function journeys(seed: number, n: number, md: boolean): Journey[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => journey(random, receivedAt(random, START, END, false), END, false, md));
}

describe('the shape of casework in a synthetic year', { timeout: 60_000 }, () => {
  it('keeps contacts between allocation and closure (or the year end), none while paused, and attempts only before first contact or instead of it', () => {
    const random = createRandom(1);
    for (const md of [false, true]) {
      for (const j of journeys(md ? 2 : 3, 5000, md)) {
        const contacts = planContacts(random, j, md, END);
        if (j.allocatedAt === null) expect(contacts).toEqual([]);
        const until = j.closedAt ?? END - 1;
        const wrong = contacts.filter(
          (c, i) =>
            c.at < j.allocatedAt! ||
            c.at > until ||
            (i > 0 && c.at < contacts[i - 1]!.at) ||
            pauses(j).some((p) => c.at > p.from && (p.to === null || c.at < p.to)) ||
            (c.type === 'attempted') !== (c.minutes === null) ||
            (c.minutes !== null && (c.minutes < 1 || c.minutes > 720)),
        );
        expect(wrong).toEqual([]);
        if (j.firstContactAt !== null) expect(contacts.some((c) => c.at === j.firstContactAt && c.type !== 'attempted')).toBe(true);
        else expect(contacts.every((c) => c.type === 'attempted')).toBe(true);
        // Only the latest contact of a case still open says what happens next.
        expect(contacts.slice(0, -1).every((c) => c.nextStep === null)).toBe(true);
        if (contacts.length) expect(contacts.at(-1)!.nextStep !== null).toBe(j.closedAt === null);
      }
    }
  });

  it('sees the MD cohort more often, more often on outreach, and more often finds no one there', () => {
    const plan = (md: boolean) => {
      const random = createRandom(md ? 4 : 5);
      return journeys(md ? 6 : 7, 4000, md).filter((j) => j.closedAt !== null && j.engagedAt !== null).map((j) => planContacts(random, j, md, END));
    };
    const [general, md] = [plan(false), plan(true)];
    const perCase = (cases: typeof general) => mean(cases.map((c) => c.length));
    const share = (cases: typeof general, type: string) => mean(cases.flat().map((c) => (c.type === type ? 1 : 0)));
    expect(perCase(md)).toBeGreaterThan(perCase(general) * 1.4);
    expect(share(md, 'outreach')).toBeGreaterThan(share(general, 'outreach') * 5);
    expect(share(md, 'attempted')).toBeGreaterThan(share(general, 'attempted'));
  });

  it('moves every offer only as the offers rules allow, in time order and within the case', () => {
    const random = createRandom(8);
    for (let k = 0; k < 20_000; k++) {
      const md = k % 2 === 0;
      const start = START + random.int(0, 300) * DAY;
      const until = start + random.int(0, 120) * DAY;
      const offer = planOfferSteps(random, md, start, until);
      expect(offer.steps[0]).toMatchObject({ kind: 'suggested', from: null, to: 'suggested', at: start });
      let state = 'suggested';
      for (const step of offer.steps.slice(1)) {
        if (step.kind === 'transition') {
          expect(transitionAllowed(step.from!, step.to)).toBe(true);
          expect(step.from).toBe(state);
          state = step.to;
          if (step.reason !== null) expect(['declined', 'stopped']).toContain(step.to);
        } else {
          expect(step.kind).toBe('accompanied-session');
          expect(canLogAccompaniedSession(step.from!)).toBe(true);
          expect(step.sessionOn).toBe(Math.floor(step.at / DAY) * DAY);
        }
        expect(step.at).toBeLessThanOrEqual(until);
      }
      expect(offer.steps.every((s, i) => i === 0 || s.at >= offer.steps[i - 1]!.at)).toBe(true);
      expect(offer.state).toBe(state);
      if (offer.reason !== null) expect(['declined', 'stopped']).toContain(offer.state);
    }
  });

  it('accompanies the MD cohort to introductions far more often, and suggests them more', () => {
    const accompanied = (md: boolean) => {
      const random = createRandom(md ? 9 : 10);
      const introductions = Array.from({ length: 10_000 }, () => planOfferSteps(random, md, START, END).steps.find((s) => s.to === 'introduced' && s.kind === 'transition')).filter((s) => s !== undefined);
      return mean(introductions.map((s) => (s.accompanied ? 1 : 0)));
    };
    expect(accompanied(true)).toBeGreaterThan(0.45);
    expect(accompanied(false)).toBeLessThan(0.25);
    const random = createRandom(11);
    expect(mean(Array.from({ length: 5000 }, () => offerCount(random, true)))).toBeGreaterThan(mean(Array.from({ length: 5000 }, () => offerCount(random, false))));
  });

  it('answers every measure on its scale, scored by the outcomes engine within range, most a little better at follow-up', () => {
    const random = createRandom(12);
    for (const definition of BUILT_IN_MEASURES) {
      const model = ANSWER_MODELS[definition.code]!;
      const changes: number[] = [];
      for (let k = 0; k < 2000; k++) {
        const person = personLevel(random);
        const [before, after] = [0, 1].map((progress) => score(definition, answersFor(random, model, k % 2 === 0, person, progress)));
        for (const result of [before!, after!]) for (const s of result.scores) expect(s.value >= s.min && s.value <= s.max).toBe(true);
        const first = before!.scores[0]!;
        const delta = after!.scores[0]!.value - first.value;
        changes.push(first.direction === 'higher-is-better' ? delta : -delta);
      }
      expect(mean(changes.map((c) => (c > 0 ? 1 : 0)))).toBeGreaterThan(0.5);
      expect(mean(changes.map((c) => (c < 0 ? 1 : 0)))).toBeGreaterThan(0.05);
    }
  });

  it('gives some programmes SWEMWBS, UCLA-3 and WEMWBS on top of the defaults, so every built-in measure has data', () => {
    const nation = buildNation({ seed: 42, referrals: 100_000, services: 1000 });
    const plans = nation.pcns.map((pcn) => outcomePlan(42, pcn));
    const codes = new Set(plans.flatMap((p) => p.measures.map((m) => m.code)));
    expect([...codes].sort()).toEqual(BUILT_IN_MEASURES.map((m) => m.code).sort());
    expect(plans.every((p) => p.measures.some((m) => m.code === 'ons4' && m.cohort === 'everyone') && p.measures.some((m) => m.code === 'ndt' && m.cohort === 'multiple-disadvantage'))).toBe(true);
    expect(plans.some((p) => p.gpAttendance) && plans.some((p) => !p.gpAttendance)).toBe(true);
    expect(outcomePlan(42, nation.pcns[3]!)).toEqual(plans[3]);
  });
});
