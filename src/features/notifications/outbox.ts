import type { Tx } from '../../platform/db/database.js';
import type { Insertable } from 'kysely';
import type { OutboxMessageTable, PreferredContact } from '../../platform/db/schema.js';
import { personMessage, referrerMessage, type PersonTemplate, type ReferrerTemplate } from './templates.js';

/**
 * Queues messages in the same transaction as the change they report, so a message is never sent
 * for a change that rolled back, and never lost for one that committed. A sender (GOV.UK Notify when
 * configured) delivers them later; without one they wait in the outbox, which admins can read.
 */
/** The outbox row for a message to a referrer, for callers that write it within a larger statement. */
export function referrerOutboxRow(
  organisationId: string,
  email: string,
  template: ReferrerTemplate,
  data: { reference: string; service: string; closure?: string },
): Insertable<OutboxMessageTable> {
  const message = referrerMessage(template, data);
  return { organisationId, channel: 'email', recipientKind: 'referrer', recipient: email, template, subject: message.subject, body: message.body, lastError: null, sentAt: null };
}

export async function queueForReferrer(
  tx: Tx,
  organisationId: string,
  email: string,
  template: ReferrerTemplate,
  data: { reference: string; service: string; closure?: string },
): Promise<void> {
  await tx.insertInto('outboxMessage').values(referrerOutboxRow(organisationId, email, template, data)).execute();
}

export interface PersonContact {
  givenName: string;
  preferredName: string | null;
  preferredContact: PreferredContact;
  phone: string | null;
  email: string | null;
  safeToLeaveMessage: boolean;
}

/**
 * Only by the channel the person chose, and only a written one: never a call or a letter from here.
 * A text sits on a phone someone else may read, so it goes only where a message is safe to leave;
 * an email address the person chose is their safe route (Aisha: "not safe to leave a message; email").
 */
export function personChannel(person: PersonContact): { channel: 'email' | 'text'; recipient: string } | null {
  if (person.preferredContact === 'email' && person.email) return { channel: 'email', recipient: person.email };
  if (person.preferredContact === 'text' && person.phone && person.safeToLeaveMessage) return { channel: 'text', recipient: person.phone };
  return null;
}

/** The outbox row for a message to the person, or null when they chose no route a message may take. */
export function personOutboxRow(organisationId: string, person: PersonContact, template: PersonTemplate): Insertable<OutboxMessageTable> | null {
  const route = personChannel(person);
  if (!route) return null;
  const message = personMessage(template, { firstName: person.preferredName ?? person.givenName });
  return { organisationId, channel: route.channel, recipientKind: 'person', recipient: route.recipient, template, subject: message.subject, body: message.body, lastError: null, sentAt: null };
}

export async function queueForPerson(tx: Tx, organisationId: string, person: PersonContact, template: PersonTemplate): Promise<boolean> {
  const row = personOutboxRow(organisationId, person, template);
  if (!row) return false;
  await tx.insertInto('outboxMessage').values(row).execute();
  return true;
}
