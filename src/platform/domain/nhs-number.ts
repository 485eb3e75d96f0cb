/**
 * NHS number rules (see docs/codes-and-standards.md): 10 digits, modulus 11 check digit, displayed
 * 3-3-4. 999 000 0000 to 999 999 9999 is the test range, never issued to anyone.
 */
export type NhsNumberResult = { ok: true; value: string } | { ok: false; message: string };

export function checkNhsNumber(raw: string): NhsNumberResult {
  const digits = raw.replace(/[\s-]/g, '');
  if (!/^\d{10}$/.test(digits)) return { ok: false, message: 'NHS number must be 10 digits, like 943 476 5919' };
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(digits[i]) * (10 - i);
  const remainder = sum % 11;
  const check = remainder === 0 ? 0 : 11 - remainder;
  if (check === 10 || check !== Number(digits[9])) {
    return { ok: false, message: 'NHS number is not valid: check it has been copied correctly' };
  }
  return { ok: true, value: digits };
}

export function formatNhsNumber(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

export function isTestNhsNumber(digits: string): boolean {
  return digits.startsWith('999');
}
