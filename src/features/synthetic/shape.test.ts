import { describe, expect, it } from 'vitest';
import { checkNhsNumber, isTestNhsNumber } from '../../platform/domain/nhs-number.js';
import { createRandom } from '../../platform/generate/random.js';
import { MULTIPLE_DISADVANTAGE } from '../referrals/rules.js';
import { apportion, buildNation } from './nation.js';
import { FAMILY_NAME_ROOTS, syntheticName } from './names.js';
import { percentiles } from './generate.js';
import {
  ageAtReferral, CO_OCCURRENCE, DECLINED_SHARE, historyIsValid, journey, mdIndicators, pickNeeds, pickSource, receivedAt, testNhsNumbers,
} from './shape.js';

const DAY = 86_400_000;
const START = Date.parse('2025-04-01T00:00:00Z');
const END = Date.parse('2026-04-01T00:00:00Z');
const share = <T>(items: readonly T[], test: (item: T) => boolean) => items.filter(test).length / items.length;
const draw = <T>(n: number, seed: number, make: (random: ReturnType<typeof createRandom>) => T): T[] => {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => make(random));
};

// Tens of thousands of draws per test: give them time on a busy machine.
describe('the shape of a synthetic year', { timeout: 60_000 }, () => {
  it('gives NHS numbers from the 999 test range that pass modulus 11 and never repeat', () => {
    const number = testNhsNumbers(42);
    const numbers = Array.from({ length: 50_000 }, (_, k) => number(k));
    expect(numbers.filter((n) => !checkNhsNumber(n).ok || !isTestNhsNumber(n))).toEqual([]);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(testNhsNumbers(43)(0)).not.toBe(number(0));
  });

  it('marks two or more indicators of multiple disadvantage, all known to the referral form', () => {
    const sets = draw(5000, 1, mdIndicators);
    const known: readonly string[] = MULTIPLE_DISADVANTAGE;
    expect(sets.filter((set) => set.length < 2 || new Set(set).size !== set.length || set.some((code) => !known.includes(code)))).toEqual([]);
    // Mental ill-health is the commonest indicator, domestic abuse the least.
    expect(share(sets, (s) => s.includes('mental-ill-health'))).toBeGreaterThan(share(sets, (s) => s.includes('domestic-abuse')));
  });

  it('takes most referrals from general practice, fewer for people facing multiple disadvantage', () => {
    const general = draw(20_000, 2, (r) => pickSource(r, false));
    const md = draw(20_000, 3, (r) => pickSource(r, true));
    expect(share(general, (s) => s === 'gp-practice')).toBeCloseTo(0.7, 1);
    expect(share(general, (s) => s === 'self')).toBeCloseTo(0.11, 1);
    expect(share(md, (s) => s === 'gp-practice')).toBeLessThan(0.45);
    expect(share(md, (s) => s === 'housing')).toBeGreaterThan(share(general, (s) => s === 'housing') * 3);
  });

  it('gives one to four different needs, with the needs that usually come together', () => {
    const needs = draw(20_000, 4, (r) => pickNeeds(r, []));
    expect(needs.filter((n) => n.length < 1 || n.length > 4 || new Set(n).size !== n.length)).toEqual([]);
    const lonely = needs.filter((n) => n[0] === 'social-isolation');
    expect(share(lonely, (n) => n.includes('mental-wellbeing'))).toBeCloseTo(CO_OCCURRENCE['social-isolation']!['mental-wellbeing']!, 1);
    const debt = needs.filter((n) => n[0] === 'money-and-debt');
    expect(share(debt, (n) => n.includes('benefits'))).toBeCloseTo(0.5, 1);
    // Homelessness or drink and drugs lead for people facing multiple disadvantage far more often.
    const md = draw(5000, 5, (r) => pickNeeds(r, ['homelessness', 'substance-use']));
    expect(share(md, (n) => n.includes('homelessness'))).toBeGreaterThan(0.6);
    expect(share(needs, (n) => n.includes('homelessness'))).toBeLessThan(0.05);
  });

  it('keeps ages adult and the MD cohort younger', () => {
    const general = draw(10_000, 6, (r) => ageAtReferral(r, false));
    const md = draw(10_000, 7, (r) => ageAtReferral(r, true));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.min(...general, ...md)).toBeGreaterThanOrEqual(18);
    expect(Math.max(...general)).toBeLessThanOrEqual(99);
    expect(mean(md)).toBeLessThan(mean(general) - 8);
  });

  it('receives referrals inside the year, few at weekends from professionals', () => {
    const times = draw(10_000, 8, (r) => receivedAt(r, START, END, false));
    expect(times.filter((t) => t < START || t >= END)).toEqual([]);
    expect(share(times, (t) => [0, 6].includes(new Date(t).getUTCDay()))).toBeLessThan(0.05);
    const self = draw(10_000, 9, (r) => receivedAt(r, START, END, true));
    expect(share(self, (t) => [0, 6].includes(new Date(t).getUTCDay()))).toBeGreaterThan(0.1);
  });

  it('writes every journey as a history the referral service allows, in time order, ending at its status', () => {
    const random = createRandom(10);
    const journeys = Array.from({ length: 10_000 }, () => {
      const received = receivedAt(random, START, END, false);
      return journey(random, received, END, random.chance(0.1), random.chance(0.1));
    });
    const wrong = journeys.filter(
      (j) =>
        !historyIsValid(j.steps) ||
        j.steps.at(-1)!.to !== j.status ||
        j.steps.some((s, i) => i > 0 && s.at <= j.steps[i - 1]!.at) ||
        j.steps.at(-1)!.at > END ||
        j.steps.some((s) => (s.action === 'accept') !== (s.snomedCode === '871731000000106')) ||
        j.steps.some((s) => (s.closeReason === 'person-declined') !== (s.snomedCode === '871711000000103')),
    );
    expect(wrong).toEqual([]);
    // Most are accepted; about 9% declined; those received early in the year have mostly closed.
    expect(share(journeys, (j) => j.acceptedAt !== null)).toBeGreaterThan(0.8);
    expect(share(journeys, (j) => j.steps[1]?.action === 'decline')).toBeCloseTo(DECLINED_SHARE, 1);
    const early = journeys.filter((j) => j.steps[0]!.at < START + 120 * DAY);
    expect(share(early, (j) => j.status === 'closed')).toBeGreaterThan(0.85);
    const late = journeys.filter((j) => j.steps[0]!.at > END - 14 * DAY);
    expect(share(late, (j) => j.status === 'closed')).toBeLessThan(0.3);
  });

  it('refuses histories the referral service could not have written', () => {
    const receive = { action: 'receive', from: null, to: 'received' } as const;
    expect(historyIsValid([receive, { action: 'accept', from: 'received', to: 'accepted' }])).toBe(true);
    expect(historyIsValid([receive, { action: 'record-engaged', from: 'received', to: 'engaged' }])).toBe(false);
    expect(historyIsValid([receive, { action: 'accept', from: 'accepted', to: 'accepted' }])).toBe(false);
    expect(historyIsValid([{ action: 'accept', from: 'received', to: 'accepted' }])).toBe(false);
  });

  it('makes names that are clearly invented', () => {
    const names = draw(1000, 11, syntheticName);
    expect(names.filter(({ given, family }) => !/^[A-Z][a-z]+$/.test(given) || !FAMILY_NAME_ROOTS.some((root) => family.startsWith(root)))).toEqual([]);
  });

  it('splits totals exactly, in proportion, at least the minimum each', () => {
    expect(apportion(10, [1, 1, 2])).toEqual([3, 2, 5]);
    expect(apportion(7, [1, 100, 1], 2)).toEqual([2, 3, 2]);
    expect(apportion(1_000_000, [3, 1, 1, 5]).reduce((a, b) => a + b, 0)).toBe(1_000_000);
  });

  it('reads the median and 90th percentile from an hour histogram, in days', () => {
    expect(percentiles(new Map())).toBeNull();
    expect(percentiles(new Map([[0, 5], [47, 4], [239, 1]]))).toEqual({ median: 0, p90: 2 });
  });

  it('builds a nation of the national shape from the defaults, the same for the same seed', () => {
    const nation = buildNation({ seed: 42, referrals: 1_000_000, services: 100_000 });
    expect(nation.pcns).toHaveLength(1250);
    expect(nation.icbs).toHaveLength(42);
    const count = (type: string) => nation.organisations.filter((o) => o.type === type).length;
    expect(count('gp-practice')).toBeGreaterThan(6000);
    expect(count('gp-practice')).toBeLessThan(7600);
    expect(nation.pcns.reduce((a, p) => a + p.linkWorkers.length, 0)).toBeGreaterThan(4500);
    expect(nation.pcns.reduce((a, p) => a + p.referrals, 0)).toBe(1_000_000);
    expect(nation.pcns.reduce((a, p) => a + p.services, 0)).toBe(100_000);
    expect(nation.commissioners.length).toBe(42 + 14);
    expect(new Set(nation.organisations.map((o) => o.slug)).size).toBe(nation.organisations.length);
    expect(new Set(nation.users.map((u) => u.email)).size).toBe(nation.users.length);
    expect(buildNation({ seed: 42, referrals: 1_000_000, services: 100_000 }).users.map((u) => u.email)).toEqual(nation.users.map((u) => u.email));
    expect(nation.organisations.filter((o) => !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(o.slug))).toEqual([]);
  });
});
