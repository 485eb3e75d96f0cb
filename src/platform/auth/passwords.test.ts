import { describe, expect, it } from 'vitest';
import { hashPassword, MIN_PASSWORD_LENGTH, passwordProblem, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('hashes with argon2id and verifies only the same password', async () => {
    const hash = await hashPassword('a long and memorable phrase');
    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(hash, 'a long and memorable phrase')).toBe(true);
    expect(await verifyPassword(hash, 'a long and memorable phrasE')).toBe(false);
    expect(await verifyPassword('not a hash', 'anything')).toBe(false);
  });

  it.each([
    ['short', `at least ${MIN_PASSWORD_LENGTH} characters`],
    ['password1234', 'too easy to guess'],
    ['aaaaaaaaaaaaaaaa', 'too easy to guess'],
  ])('refuses %s', (password, message) => {
    expect(passwordProblem(password)).toContain(message);
  });

  it('refuses a password containing the email name', () => {
    expect(passwordProblem('jo.smith-rules-ok', 'jo.smith@example.org')).toContain('email');
  });

  it('accepts a long passphrase', () => {
    expect(passwordProblem('correct horse battery staple', 'jo@example.org')).toBeNull();
  });
});
