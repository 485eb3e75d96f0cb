import { describe, expect, it } from 'vitest';
import { fieldsOf } from '../../../../test/support/errors.js';
import {
  boundingBox,
  costOf,
  decodePageCursor,
  describeSchedule,
  encodePageCursor,
  explain,
  formatTime,
  haversineKm,
  londonClock,
  mayBeOutOfDate,
  monthsBefore,
  nextOpening,
  parseSearch,
  scheduleDays,
  searchWords,
  summary,
  textParagraphs,
} from './rules.js';

describe('parseSearch', () => {
  it('reads a form or query into a typed search', () => {
    expect(parseSearch({ text: '  walking   group ', need: 'Money-and-Debt', attribute: ['free', 'drop-in', 'free'], nearPostcode: 'bs5 6xx', maxKm: '3', openNow: 'true', day: 'TU', age: '52', page: '2', limit: '10' })).toEqual({
      text: 'walking group',
      need: 'money-and-debt',
      attributes: ['free', 'drop-in'],
      language: null,
      nearPostcode: 'BS5 6XX',
      maxKm: 3,
      openNow: true,
      day: 'tuesday',
      age: 52,
      sort: 'relevance',
      page: 2,
      limit: 10,
    });
    expect(parseSearch({})).toMatchObject({ text: null, attributes: [], openNow: false, page: 1, limit: 20, sort: 'relevance' });
    expect(parseSearch({ attribute: 'women-only', day: 'sat' })).toMatchObject({ attributes: ['women-only'], day: 'saturday' });
  });

  it('reports every problem at once, by field', () => {
    expect(fieldsOf(() => parseSearch({ maxKm: '-1', nearPostcode: 'BS5', attribute: ['flying'], day: 'someday', age: '12.5', limit: '500', need: 'Not a code!' }))).toEqual([
      'need',
      'attribute',
      'maxKm',
      'day',
      'age',
      'limit',
    ]);
    expect(fieldsOf(() => parseSearch({ maxKm: 5 }))).toEqual(['postcode']);
    expect(fieldsOf(() => parseSearch({ sort: 'distance' }))).toEqual(['postcode']);
    expect(fieldsOf(() => parseSearch({ nearPostcode: 'nowhere' }))).toEqual(['postcode']);
    expect(fieldsOf(() => parseSearch({ text: 'x'.repeat(201) }))).toEqual(['text']);
    expect(fieldsOf(() => parseSearch({ page: 600, limit: 20 }))).toEqual(['page']);
    expect(fieldsOf(() => parseSearch({ cursor: 'garbage' }))).toEqual(['cursor']);
    expect(fieldsOf(() => parseSearch({ language: '<script>' }))).toEqual(['language']);
  });

  it('accepts a sector or district as the place', () => {
    expect(parseSearch({ nearPostcode: 'bs5 6' }).nearPostcode).toBe('BS5 6');
    expect(parseSearch({ nearPostcode: 'e3' }).nearPostcode).toBe('E3');
  });

  it('page cursors round-trip', () => {
    expect(decodePageCursor(encodePageCursor(7))).toBe(7);
    expect(parseSearch({ cursor: encodePageCursor(3) }).page).toBe(3);
    expect(decodePageCursor('bm9wZQ')).toBeNull();
  });
});

describe('search words', () => {
  it('keeps distinct words of letters and digits', () => {
    expect(searchWords('Walking, walking & "Tai-Chi" 50+')).toEqual(['walking', 'tai', 'chi', '50']);
    expect(searchWords(null)).toEqual([]);
  });
});

describe('clock and dates', () => {
  it('reads UK time across the clock change', () => {
    expect(londonClock(new Date('2026-01-13T11:00:00Z'))).toEqual({ date: '2026-01-13', time: '11:00:00', weekday: 1 });
    expect(londonClock(new Date('2026-06-09T23:30:00Z'))).toEqual({ date: '2026-06-10', time: '00:30:00', weekday: 2 });
  });

  it('six months back, clamped to the month’s end', () => {
    expect(monthsBefore('2026-08-31', 6)).toBe('2026-02-28');
    expect(monthsBefore('2026-03-15', 6)).toBe('2025-09-15');
  });

  it('may be out of date when not verified for six months, or never', () => {
    expect(mayBeOutOfDate(null, '2026-06-01')).toBe(true);
    expect(mayBeOutOfDate('2025-12-01', '2026-06-01')).toBe(false);
    expect(mayBeOutOfDate('2025-11-30', '2026-06-01')).toBe(true);
  });
});

describe('schedules', () => {
  const tueThu = { freq: 'WEEKLY', byday: 'TU,TH', opensAt: '10:00:00', closesAt: '12:00:00' };
  const clock = (iso: string) => londonClock(new Date(iso));

  it('reads BYDAY, including monthly ordinals', () => {
    expect(scheduleDays('TU, th')).toEqual([1, 3]);
    expect(scheduleDays('1MO,-1FR')).toEqual([0, 4]);
    expect(scheduleDays(null)).toEqual([]);
  });

  it('finds the next opening, or that it is open now', () => {
    expect(nextOpening([tueThu], clock('2026-01-13T11:00:00Z'))).toEqual({ date: '2026-01-13', opensAt: '10:00', closesAt: '12:00', openNow: true, text: 'Open now, until midday' });
    expect(nextOpening([tueThu], clock('2026-01-13T08:00:00Z'))!.text).toBe('Today, 10am to midday');
    expect(nextOpening([tueThu], clock('2026-01-13T12:00:00Z'))!.text).toBe('Thursday 15 January, 10am to midday');
    expect(nextOpening([tueThu], clock('2026-01-14T12:00:00Z'))!.text).toBe('Tomorrow, 10am to midday');
    expect(nextOpening([], clock('2026-01-14T12:00:00Z'))).toBeNull();
  });

  it('respects validity dates and every-other-week schedules', () => {
    const ended = { ...tueThu, validTo: '2026-01-01' };
    expect(nextOpening([ended], clock('2026-01-13T08:00:00Z'))).toBeNull();
    const fortnightly = { freq: 'WEEKLY', byday: 'TU', interval: 2, dtstart: '2026-01-06', opensAt: '09:00:00', closesAt: '13:00:00' };
    expect(nextOpening([fortnightly], clock('2026-01-13T08:00:00Z'))!.date).toBe('2026-01-20');
    expect(nextOpening([fortnightly], clock('2026-01-20T08:00:00Z'))!.date).toBe('2026-01-20');
  });

  it('describes schedules in words', () => {
    expect(describeSchedule(tueThu)).toBe('Tuesdays and Thursdays, 10am to midday');
    expect(describeSchedule({ freq: 'MONTHLY', byday: '1MO', opensAt: '14:00', closesAt: '16:30' })).toBe('The first Monday of each month, 2pm to 4:30pm');
    expect(describeSchedule({ freq: 'MONTHLY', byday: null, bymonthday: '15', opensAt: null, closesAt: null })).toBe('On day 15 of each month');
    expect(describeSchedule({ freq: 'WEEKLY', byday: 'SA', interval: 2, opensAt: '10:00', closesAt: null })).toBe('Every 2 weeks on Saturdays, from 10am');
    expect(formatTime('00:00:00')).toBe('midnight');
    expect(formatTime('19:45')).toBe('7:45pm');
  });
});

describe('cost, distance and explanations', () => {
  it('is free when tagged or every option is £0; otherwise says what it costs', () => {
    expect(costOf(true, null, [])).toEqual({ free: true, text: null });
    expect(costOf(false, null, [{ option: 'Free', amount: '0', currency: 'GBP', amountDescription: null }])).toEqual({ free: true, text: 'Free' });
    expect(costOf(false, null, [{ option: 'per session', amount: '2.5', currency: 'GBP', amountDescription: null }])).toEqual({ free: false, text: '£2.50 per session' });
    expect(costOf(false, 'Pay what you can', [])).toEqual({ free: false, text: 'Pay what you can' });
    expect(costOf(false, null, [])).toEqual({ free: false, text: null });
  });

  it('measures great-circle distance and a box that holds the circle', () => {
    // One degree along a meridian is 2πR/360 ≈ 111.19 km; a point is 0 km from itself.
    expect(haversineKm(51, -2, 52, -2)).toBeCloseTo(111.195, 2);
    expect(haversineKm(51.45, -2.58, 51.45, -2.58)).toBe(0);
    const box = boundingBox(51.45, -2.58, 5);
    for (const [n, e] of [[5, 0], [-5, 0], [0, 5], [0, -5], [3.5, 3.5]] as const) {
      const lat = 51.45 + n / 110.574;
      const lon = -2.58 + e / (111.32 * Math.cos((51.45 * Math.PI) / 180));
      expect(lat).toBeGreaterThanOrEqual(box.minLat - 1e-9);
      expect(lat).toBeLessThanOrEqual(box.maxLat + 1e-9);
      expect(lon).toBeGreaterThanOrEqual(box.minLon - 1e-9);
      expect(lon).toBeLessThanOrEqual(box.maxLon + 1e-9);
    }
  });

  it('explains a result in one line', () => {
    expect(explain({ distanceKm: 2.14, matchedWords: ['gardening', 'outdoors'], needLabels: [], attributeLabels: [], day: null, openNow: false })).toBe('2.1 km · matches: gardening, outdoors');
    expect(explain({ distanceKm: null, matchedWords: [], needLabels: ['Fuel poverty'], attributeLabels: ['Free', 'Drop-in'], day: 'tuesday', openNow: false })).toBe('helps with: Fuel poverty · Free, Drop-in · open on Tuesday');
    expect(explain({ distanceKm: 12.6, matchedWords: [], needLabels: [], attributeLabels: [], day: 'tuesday', openNow: true })).toBe('13 km · open now');
  });
});

describe('descriptions as text', () => {
  it('turns imported HTML into paragraphs of text', () => {
    expect(textParagraphs('<p>One&nbsp;two</p><p>Three<br/>four &amp; five</p>')).toEqual(['One two', 'Three\nfour & five']);
    expect(textParagraphs('Plain\n\nText')).toEqual(['Plain', 'Text']);
    expect(textParagraphs('<script>alert(1)</script>Hi &lt;b&gt;')).toEqual(['alert(1)Hi <b>']);
    expect(textParagraphs(null)).toEqual([]);
  });

  it('shortens for result lists at a word', () => {
    expect(summary('<p>' + 'word '.repeat(100) + '</p>', 22)).toBe('word word word word…');
    expect(summary('   ')).toBeNull();
  });
});
