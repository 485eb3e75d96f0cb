import { describe, expect, it } from 'vitest';
import { RETURN_CSV_HEADER, returnCsv, returnRows, type ReturnInput } from './return.js';

const A = { id: '00000000-0000-4000-8000-00000000000a', name: 'Alder Social Prescribing' };
const B = { id: '00000000-0000-4000-8000-00000000000b', name: 'Birch Link Workers' };

const change = { n: 6, baselineOnly: 0, baselineMean: 4, followUpMean: 6, meanChange: 2, improved: 4, unchanged: 1, worsened: 1 };

function input(overrides: Partial<ReturnInput> = {}): ReturnInput {
  return {
    services: [A],
    tallies: [
      { serviceId: A.id, measure: 'referrals-received', code: 'all', count: 12 },
      { serviceId: A.id, measure: 'age-band', code: '25-34', count: 9 },
      { serviceId: A.id, measure: 'age-band', code: '65-74', count: 3 },
      { serviceId: A.id, measure: 'need', code: 'housing', count: 7 },
      { serviceId: A.id, measure: 'need', code: 'a-retired-need', count: 2 },
      { serviceId: A.id, measure: 'postcode-district', code: 'LS6', count: 5 },
      { serviceId: A.id, measure: 'postcode-district', code: 'LS1', count: 7 },
      { serviceId: A.id, measure: 'contact-type', code: 'phone', count: 20 },
    ],
    needLabels: new Map([['housing', 'Housing']]),
    measureRecords: [
      { serviceId: A.id, measureCode: 'ons4', measureName: 'ONS4 personal wellbeing', timepoint: 'baseline', count: 8 },
      { serviceId: A.id, measureCode: 'ons4', measureName: 'ONS4 personal wellbeing', timepoint: 'follow-up', count: 4 },
      { serviceId: A.id, measureCode: 'ons4', measureName: 'ONS4 personal wellbeing', timepoint: 'follow-up', count: 2 },
    ],
    paired: [{ serviceId: A.id, measureCode: 'ons4', measureName: 'ONS4 personal wellbeing', scoreKey: 'happy', scoreLabel: 'Happy yesterday', change }],
    suppress: false,
    ...overrides,
  };
}

const find = (rows: ReturnType<typeof returnRows>, measureCode: string, categoryCode: string) => rows.find((r) => r.measureCode === measureCode && r.categoryCode === categoryCode);

describe('the quarterly return', () => {
  it('writes fixed lists in full with zeros, and the others as they occur, labelled', () => {
    const rows = returnRows(input());
    expect(rows.filter((r) => r.measureCode === 'age-band').map((r) => [r.category, r.count])).toEqual([
      ['Under 18', 0], ['18 to 24', 0], ['25 to 34', 9], ['35 to 44', 0], ['45 to 54', 0], ['55 to 64', 0], ['65 to 74', 3], ['75 and over', 0],
    ]);
    expect(rows.filter((r) => r.measureCode === 'contact-type')).toHaveLength(8);
    expect(rows.filter((r) => r.measureCode === 'offer-state').map((r) => r.count)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(rows.filter((r) => r.measureCode === 'case-closure')).toHaveLength(6);
    expect(rows.filter((r) => r.measureCode === 'postcode-district').map((r) => r.categoryCode)).toEqual(['LS1', 'LS6']);
    expect(rows.filter((r) => r.measureCode === 'need').map((r) => [r.categoryCode, r.category, r.count])).toEqual([
      ['a-retired-need', 'a-retired-need', 2],
      ['housing', 'Housing', 7],
    ]);
  });

  it('orders by the four minimum data groups', () => {
    const groups = returnRows(input()).map((r) => r.group);
    const firsts = ['demographics', 'needs', 'support', 'outcomes'].map((g) => groups.indexOf(g as never));
    expect(firsts).toEqual([...firsts].sort((a, b) => a - b));
    expect(groups.lastIndexOf('demographics')).toBeLessThan(firsts[1]!);
  });

  it('counts measure records by timepoint and gives paired change as counts of cases', () => {
    const rows = returnRows(input());
    expect(rows.filter((r) => r.measureCode === 'measure-records:ons4').map((r) => [r.categoryCode, r.count])).toEqual([['baseline', 8], ['follow-up', 6], ['declined', 0]]);
    const paired = rows.filter((r) => r.measureCode === 'paired-change:ons4:happy');
    expect(paired[0]!.measure).toBe('ONS4 personal wellbeing: Happy yesterday, paired change');
    expect(paired.map((r) => [r.categoryCode, r.count])).toEqual([['paired', 6], ['improved', 4], ['unchanged', 1], ['worsened', 1]]);
  });

  it('suppresses 1 to 4 for commissioners and keeps 0 and 5 or more', () => {
    const rows = returnRows(input({ suppress: true }));
    expect(find(rows, 'age-band', '65-74')!.count).toBeNull();
    expect(find(rows, 'age-band', '25-34')!.count).toBe(9);
    expect(find(rows, 'age-band', '18-24')!.count).toBe(0);
    expect(find(rows, 'postcode-district', 'LS6')!.count).toBe(5);
    expect(find(rows, 'paired-change:ons4:happy', 'unchanged')!.count).toBeNull();
    expect(find(rows, 'paired-change:ons4:happy', 'paired')!.count).toBe(6);
    expect(returnRows(input()).find((r) => r.measureCode === 'age-band' && r.categoryCode === '65-74')!.count).toBe(3);
  });

  it('gives every service its own rows, each service only its own counts', () => {
    const rows = returnRows(input({ services: [B, A], tallies: [...input().tallies, { serviceId: B.id, measure: 'age-band', code: '25-34', count: 1 }] }));
    expect(rows[0]!.service).toBe(A.name);
    expect(find(rows.filter((r) => r.serviceId === B.id), 'age-band', '25-34')!.count).toBe(1);
    expect(rows.filter((r) => r.serviceId === B.id && r.group === 'outcomes')).toEqual([]);
  });

  it('writes CSV with "fewer than 5" for a suppressed count', () => {
    const csv = returnCsv({ id: '2025-Q4' }, returnRows(input({ suppress: true })));
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe(RETURN_CSV_HEADER.join(','));
    expect(lines).toContain('2025-Q4,Alder Social Prescribing,Demographics,age-band,Referrals by age band at referral,65-74,65 to 74,fewer than 5');
    expect(lines).toContain('2025-Q4,Alder Social Prescribing,Needs and concerns,need,Referrals by need,housing,Housing,7');
    expect(lines).toContain('2025-Q4,Alder Social Prescribing,Outcomes,measure-records:ons4,ONS4 personal wellbeing: measure records,follow-up,Follow-up recorded (review or closure),6');
  });
});
