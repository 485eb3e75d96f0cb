import { describe, expect, it } from 'vitest';
import { SNOMED_CSV_HEADER, snomedCsv, snomedEventRows } from './snomed.js';

const event = { dateOfBirth: '1980-02-29', eventDate: '2026-01-05', snomedCode: '871731000000106', referralReference: 'REF-1' };

describe('the SNOMED CT event extract', () => {
  it('writes one line per coded event with the preferred term, and the NHS number as 10 digits', () => {
    const { rows, leftOutWithoutNhsNumber } = snomedEventRows([
      { ...event, nhsNumber: '9990000018' },
      { ...event, nhsNumber: '999 000 0026', eventDate: '2026-01-06', snomedCode: '871711000000103', referralReference: 'REF-2' },
    ]);
    expect(leftOutWithoutNhsNumber).toBe(0);
    expect(snomedCsv(rows)).toBe(
      [
        SNOMED_CSV_HEADER.join(','),
        '9990000018,1980-02-29,2026-01-05,871731000000106,Referral to social prescribing service,REF-1',
        '9990000026,1980-02-29,2026-01-06,871711000000103,Social prescribing declined,REF-2',
        '',
      ].join('\r\n'),
    );
  });

  it('leaves out people with no NHS number, whom a GP system cannot match, and counts them', () => {
    const { rows, leftOutWithoutNhsNumber } = snomedEventRows([{ ...event, nhsNumber: null }, { ...event, nhsNumber: '9990000018' }, { ...event, nhsNumber: null }]);
    expect(rows.map((r) => r.nhsNumber)).toEqual(['9990000018']);
    expect(leftOutWithoutNhsNumber).toBe(2);
  });

  it('has nothing a GP system does not need: no names, needs or notes', () => {
    expect(SNOMED_CSV_HEADER).toEqual(['nhs_number', 'date_of_birth', 'event_date', 'snomed_code', 'snomed_term', 'referral_reference']);
    const { rows } = snomedEventRows([{ ...event, nhsNumber: '9990000018' }]);
    expect(Object.keys(rows[0]!).sort()).toEqual(['dateOfBirth', 'eventDate', 'nhsNumber', 'referralReference', 'snomedCode', 'snomedTerm']);
  });
});
