import type { Tx } from '../../platform/db/database.js';
import type { PreferredContact } from '../../platform/db/schema.js';
import { personMessage, referrerMessage, type PersonTemplate, type ReferrerTemplate } from './templates.js';

/**
 * Queues messages in the same transaction as the change they report, so a message is never sent
 * for a change that rolled back, and never lost for one that committed. A sender (GOV.UK Notify when
 * configured) delivers them later; without one they wait in the outbox, which admins can read.
 */
export async function queueForReferrer(
  tx: Tx,
  organisationId: string,
  email: string,
  template: ReferrerTemplate,
  data: { reference: string; service: string; closure?: string },
): Promise<void> {
  const message = referrerMessage(template, data);
  await tx
    .insertInto('outboxMessage')
    .values({ organisationId, channel: 'email', recipientKind: 'referrer', recipient: email, template, subject: message.subject, body: message.body, lastError: null, sentAt: null })
    .execute();
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

export async function queueForPerson(tx: Tx, organisationId: string, person: PersonContact, template: PersonTemplate): Promise<boolean> {
  const route = personChannel(person);
  if (!route) return false;
  const message = personMessage(template, { firstName: person.preferredName ?? person.givenName });
  await tx
    .insertInto('outboxMessage')
    .values({ organisationId, channel: route.channel, recipientKind: 'person', recipient: route.recipient, template, subject: message.subject, body: message.body, lastError: null, sentAt: null })
    .execute();
  return true;
}
