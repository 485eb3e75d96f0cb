import { isValid, toNormalised } from 'postcode';

export type PostcodeResult = { ok: true; value: string } | { ok: false; message: string };

// Letters the Royal Mail never uses in these positions (docs/codes-and-standards.md); the `postcode`
// package checks the overall shape but lets these through.
const NEVER_FIRST = /^[QVX]/;
const NEVER_SECOND = /^[A-Z][IJZ]/;
const INWARD_LETTERS = /[CIKMOV]/;

/** Upper case with one space before the inward code, or a message a person can act on. */
export function checkPostcode(raw: string): PostcodeResult {
  const compact = raw.trim().toUpperCase().replace(/\s+/g, '');
  if (compact === 'GIR0AA') return { ok: true, value: 'GIR 0AA' };
  const normalised = isValid(compact) ? toNormalised(compact) : null;
  if (!normalised || NEVER_FIRST.test(compact) || (/^[A-Z]{2}/.test(compact) && NEVER_SECOND.test(compact)) || INWARD_LETTERS.test(compact.slice(-2))) {
    return { ok: false, message: 'Enter a real postcode, like BS5 6XX' };
  }
  return { ok: true, value: normalised };
}

/** Outward code (district), e.g. "BS5" — the finest area Linkwork reports on. */
export function postcodeDistrict(postcode: string): string {
  return postcode.split(' ')[0]!;
}
