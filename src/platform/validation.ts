import { FieldErrors } from './errors.js';

// Deliberately plain: one @, something either side, a dot in the domain. Delivery proves the rest.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(raw: unknown): string {
  return typeof raw === 'string' ? raw.trim().toLowerCase() : '';
}

export function checkEmail(errors: FieldErrors, field: string, email: string): void {
  if (email === '') errors.add(field, 'Enter an email address');
  else if (email.length > 254 || !EMAIL.test(email)) errors.add(field, 'Enter an email address in the correct format, like name@example.nhs.uk');
}

export function checkName(errors: FieldErrors, field: string, name: string, what = 'a name'): void {
  if (name.trim() === '') errors.add(field, `Enter ${what}`);
  else if (name.trim().length > 200) errors.add(field, `${what[0]!.toUpperCase()}${what.slice(1)} must be 200 characters or fewer`);
}

export function checkOneOf<T extends string>(
  errors: FieldErrors,
  field: string,
  value: string,
  allowed: readonly T[],
  message: string,
): value is T {
  if ((allowed as readonly string[]).includes(value)) return true;
  errors.add(field, `${message} (one of: ${allowed.join(', ')})`);
  return false;
}

export function text(raw: unknown): string {
  return typeof raw === 'string' ? raw.trim() : '';
}
