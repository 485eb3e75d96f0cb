import { describe, expect, it } from 'vitest';
import { fieldsOf } from '../../../test/support/errors.js';
import { defaultPeriod, parseFilters, periodInstants, servicesFor } from './filters.js';

const A = '0d7a7c4e-2f55-4b8e-9f1a-111111111111';
const B = '0d7a7c4e-2f55-4b8e-9f1a-222222222222';
const scope = { services: [{ id: A, name: 'North PCN social prescribing' }, { id: B, name: 'South PCN social prescribing' }] };

describe('report filters', () => {
  it('defaults to the twelve months up to today, every service, everyone', () => {
    expect(parseFilters({}, scope, '2026-11-26')).toEqual({ from: '2025-11-27', to: '2026-11-26', serviceId: null, practiceId: null, cohort: 'all' });
    expect(defaultPeriod('2028-02-29')).toEqual({ from: '2027-03-01', to: '2028-02-29' });
  });

  it('names every field that is wrong at once', () => {
    expect(fieldsOf(() => parseFilters({ from: '2026-02-30', to: 'soon', cohort: 'md-only', practice: 'x' }, scope, '2026-11-26'))).toEqual(['from', 'to', 'practice', 'cohort']);
    expect(fieldsOf(() => parseFilters({ from: '2026-05-01', to: '2026-04-01' }, scope, '2026-11-26'))).toEqual(['to']);
    expect(fieldsOf(() => parseFilters({ from: '2020-01-01', to: '2026-04-01' }, scope, '2026-11-26'))).toEqual(['from']);
  });

  it('refuses a service outside the caller’s scope rather than showing an empty report', () => {
    expect(fieldsOf(() => parseFilters({ service: '0d7a7c4e-2f55-4b8e-9f1a-333333333333' }, scope, '2026-11-26'))).toEqual(['service']);
    expect(parseFilters({ service: B.toUpperCase() }, scope, '2026-11-26').serviceId).toBe(B);
  });

  it('reports on the chosen service, or every service in scope', () => {
    expect(servicesFor(scope, { serviceId: null })).toEqual([A, B]);
    expect(servicesFor(scope, { serviceId: B })).toEqual([B]);
  });

  it('turns the inclusive days into a half-open range of instants, from midnight in England', () => {
    const summer = periodInstants({ from: '2026-04-01', to: '2026-04-30' });
    expect(summer.start.toISOString()).toBe('2026-03-31T23:00:00.000Z');
    expect(summer.end.toISOString()).toBe('2026-04-30T23:00:00.000Z');
    const winter = periodInstants({ from: '2026-01-01', to: '2026-01-31' });
    expect(winter.start.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(winter.end.toISOString()).toBe('2026-02-01T00:00:00.000Z');
    // Across the clocks going forward (29 March 2026) and back (25 October 2026).
    expect(periodInstants({ from: '2026-03-29', to: '2026-10-25' })).toEqual({
      start: new Date('2026-03-29T00:00:00Z'),
      end: new Date('2026-10-26T00:00:00Z'),
    });
  });
});
