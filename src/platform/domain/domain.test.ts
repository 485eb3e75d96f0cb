import { describe, expect, it } from 'vitest';
import { checkNhsNumber, formatNhsNumber } from './nhs-number.js';
import { checkPostcode, postcodeDistrict } from './postcode.js';

describe('NHS numbers (modulus 11)', () => {
  it.each(['9434765919', '943 476 5919', '6541003238', '9990000018'])('accepts %s', (raw) => {
    expect(checkNhsNumber(raw)).toEqual({ ok: true, value: raw.replace(/\s/g, '') });
  });

  it.each([
    ['9434765918', 'not valid'],
    ['123', '10 digits'],
    ['94347659AB', '10 digits'],
    ['', '10 digits'],
  ])('refuses %s', (raw, message) => {
    const result = checkNhsNumber(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });

  it('refuses every number whose check digit would be 10', () => {
    // 000000006: weighted sum 6 × 2 = 12, remainder 1, check digit 11 − 1 = 10: no valid last digit.
    for (let last = 0; last <= 9; last++) expect(checkNhsNumber(`000000006${last}`).ok).toBe(false);
  });

  it('displays 3-3-4', () => {
    expect(formatNhsNumber('9434765919')).toBe('943 476 5919');
  });
});

describe('postcodes', () => {
  it.each([
    ['bs56xx', 'BS5 6XX'],
    ['  ec1a 1bb ', 'EC1A 1BB'],
    ['W1A0AX', 'W1A 0AX'],
    ['m11ae', 'M1 1AE'],
    ['gir0aa', 'GIR 0AA'],
  ])('normalises %s to %s', (raw, value) => {
    expect(checkPostcode(raw)).toEqual({ ok: true, value });
  });

  it.each(['QA1 1AA', 'AJ1 1AA', 'BS5 6CX', 'nonsense', '', 'BS5'])('refuses %s', (raw) => {
    expect(checkPostcode(raw).ok).toBe(false);
  });

  it('gives the district', () => {
    expect(postcodeDistrict('BS5 6XX')).toBe('BS5');
  });
});
