import { describe, expect, it } from 'vitest';
import { envelope } from './paging.js';
import { clean, dateOnly, dateTime, email, extension, num, schedule, text, timeOfDay, uri } from './serialise.js';

describe('ORUK serialising', () => {
  it('formats dates, times and date-times as HSDS types them', () => {
    expect(dateOnly('2025-02-01')).toBe('2025-02-01');
    expect(dateOnly(new Date('2025-02-01T00:00:00Z'))).toBe('2025-02-01');
    expect(dateOnly(null)).toBeUndefined();
    expect(dateTime(new Date('2025-03-01T10:00:00.123Z'))).toBe('2025-03-01T10:00:00.123Z');
    expect(dateTime('2025-03-01T11:00:00+01:00')).toBe('2025-03-01T10:00:00.000Z');
    expect(timeOfDay('09:30')).toBe('09:30:00');
    expect(timeOfDay('09:30:15.250')).toBe('09:30:15');
    expect(timeOfDay(null)).toBeUndefined();
  });

  it('leaves out what HSDS cannot carry: nulls, blanks, non-numeric extensions', () => {
    expect(text('  ')).toBeUndefined();
    expect(text('x')).toBe('x');
    expect(num('12.50')).toBe(12.5);
    expect(num('n/a')).toBeUndefined();
    expect(extension(' 100 ')).toBe(100);
    expect(extension('ask for Sam')).toBeUndefined();
    expect(clean({ a: 1, b: undefined })).toEqual({ a: 1 });
    expect(Object.keys(clean({ a: 1, b: undefined }))).toEqual(['a']);
  });

  it('sends absolute URIs and plain email addresses, as HSDS formats them', () => {
    expect(uri('https://example.org/a?b=c')).toBe('https://example.org/a?b=c');
    expect(uri(' www.example.org ')).toBe('http://www.example.org');
    expect(uri('northlincs.gov.uk/services/x')).toBe('http://northlincs.gov.uk/services/x');
    expect(uri('https://example.org/my page')).toBe('https://example.org/my%20page');
    expect(uri('mailto:a@example.org')).toBe('mailto:a@example.org');
    expect(uri('See our Facebook page')).toBeUndefined();
    expect(uri('')).toBeUndefined();
    expect(email('mailto:Sam@Example.org')).toBe('Sam@Example.org');
    expect(email('sam at example dot org')).toBeUndefined();
  });

  it('sends a schedule with only the fields it has', () => {
    const json = schedule({
      organisationId: 'internal', id: 'f0c91690-dead-5ec4-90aa-0f4569ffb81f', serviceId: null, locationId: null, serviceAtLocationId: null,
      validFrom: null, validTo: null, dtstart: null, until: null, freq: 'WEEKLY', interval: null, byday: 'MO', bymonthday: null,
      opensAt: '09:00:00', closesAt: null, description: '', attendingType: null, notes: null,
    });
    expect(json).toEqual({ id: 'f0c91690-dead-5ec4-90aa-0f4569ffb81f', freq: 'WEEKLY', byday: 'MO', opens_at: '09:00:00' });
  });
});

describe('the HSDS page envelope', () => {
  it('counts pages from 1; size is what this page holds', () => {
    expect(envelope({ page: 1, perPage: 2 }, 5, ['a', 'b'])).toEqual({
      total_items: 5, total_pages: 3, page_number: 1, size: 2, first_page: true, last_page: false, empty: false, contents: ['a', 'b'],
    });
    expect(envelope({ page: 3, perPage: 2 }, 5, ['e'])).toMatchObject({ size: 1, first_page: false, last_page: true, empty: false });
    expect(envelope({ page: 9, perPage: 2 }, 5, [])).toMatchObject({ size: 0, last_page: true, empty: true });
    expect(envelope({ page: 1, perPage: 50 }, 0, [])).toEqual({
      total_items: 0, total_pages: 0, page_number: 1, size: 0, first_page: true, last_page: true, empty: true, contents: [],
    });
    expect(envelope({ page: 1, perPage: 5 }, 5, [1, 2, 3, 4, 5])).toMatchObject({ total_pages: 1, first_page: true, last_page: true });
  });
});
