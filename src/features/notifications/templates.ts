/**
 * Every message Linkwork sends, as plain functions. Messages to a person carry their first name and
 * nothing that tells someone else reading their phone what the service is for; messages to
 * referrers carry the referral reference and a neutral status. None says or implies that anyone's
 * care depends on taking part (test/wording.test.ts scans these).
 */
export interface Message {
  subject: string;
  body: string;
}

export type ReferrerTemplate = 'referral-received' | 'referral-accepted' | 'referral-closed';
export type PersonTemplate = 'person-referral-received' | 'person-referral-accepted';

export function referrerMessage(template: ReferrerTemplate, data: { reference: string; service: string; closure?: string }): Message {
  switch (template) {
    case 'referral-received':
      return {
        subject: `Referral ${data.reference} received`,
        body: `${data.service} has received referral ${data.reference}. You will be told when it moves on. You can see its status in Linkwork at any time.`,
      };
    case 'referral-accepted':
      return {
        subject: `Referral ${data.reference} in progress`,
        body: `${data.service} has accepted referral ${data.reference} and a link worker will be in touch with the person.`,
      };
    case 'referral-closed':
      return {
        subject: `Referral ${data.reference} closed`,
        body: `${data.service} has closed referral ${data.reference}. ${data.closure ?? ''}`.trim(),
      };
  }
}

export function personMessage(template: PersonTemplate, data: { firstName: string }): Message {
  switch (template) {
    case 'person-referral-received':
      return {
        subject: 'We have your details',
        body: `Hello ${data.firstName}, thank you. We have your details and someone will be in touch soon. You can say no at any time, and it will not change the care you get from your GP.`,
      };
    case 'person-referral-accepted':
      return {
        subject: 'Someone will be in touch',
        body: `Hello ${data.firstName}, someone will contact you soon to arrange a time to talk, in the way you asked us to.`,
      };
  }
}

export type ProviderTemplate = 'directory-review-reminder';

/**
 * Messages to a provider's own staff about its directory entries. They name the directory and the
 * services (organisational facts, never anyone's personal data).
 */
export function providerMessage(template: ProviderTemplate, data: { directory: string; services: string[] }): Message {
  switch (template) {
    case 'directory-review-reminder': {
      const shown = data.services.slice(0, 10);
      const more = data.services.length - shown.length;
      const list = shown.map((name) => `- ${name}`).join('\n') + (more > 0 ? `\n- and ${more} more` : '');
      const count = data.services.length === 1 ? 'one of your services has' : `${data.services.length} of your services have`;
      return {
        subject: 'Please check your directory entries',
        body:
          `In the ${data.directory} community directory, ${count} not been checked for 6 months or more:\n${list}\n\n` +
          'Please sign in to Linkwork and open "Your services" to update them, or to confirm they are still correct. ' +
          'Link workers use these details to suggest activities and support to people.',
      };
    }
  }
}
