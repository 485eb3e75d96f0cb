import { describe, expect, it } from 'vitest';
import { personChannel, type PersonContact } from './outbox.js';

const person = (overrides: Partial<PersonContact>): PersonContact => ({
  givenName: 'Aisha',
  preferredName: null,
  preferredContact: 'email',
  phone: '07700900123',
  email: 'aisha@example.org',
  safeToLeaveMessage: false,
  ...overrides,
});

describe('which channel a message to a person may use', () => {
  it('uses the email address a person chose, even when a message is not safe to leave on their phone', () => {
    expect(personChannel(person({}))).toEqual({ channel: 'email', recipient: 'aisha@example.org' });
  });

  it('sends a text only when the person chose texts and a message is safe to leave', () => {
    expect(personChannel(person({ preferredContact: 'text', safeToLeaveMessage: false }))).toBeNull();
    expect(personChannel(person({ preferredContact: 'text', safeToLeaveMessage: true }))).toEqual({ channel: 'text', recipient: '07700900123' });
  });

  it('never writes when the person asked for a call, a letter or contact through someone else', () => {
    for (const preferredContact of ['phone', 'letter', 'via-someone-else'] as const) {
      expect(personChannel(person({ preferredContact, safeToLeaveMessage: true }))).toBeNull();
    }
  });
});
