import type { NotifyConfig } from './config.js';
import { SendFailure, type Send } from './sender.js';

/**
 * Sends through GOV.UK Notify with the `notifications-node-client` package. Linkwork writes its own
 * wording (templates.ts), so Notify needs one email template with subject `((subject))` and content
 * `((body))`, and one text message template with content `((body))`. Each message's outbox id goes
 * as Notify's `reference`, so a message can be traced in Notify without any personal data.
 *
 * The client is loaded only when sending is configured: a server without NOTIFY_API_KEY never loads
 * it and makes no network call.
 */

/** What the client's HTTP layer is called with (an axios request config); tests pass a fake. */
export type NotifyRestClient = (request: { method: string; url: string; data?: unknown; headers?: Record<string, string> }) => Promise<unknown>;

interface NotifyClientLike {
  sendEmail(templateId: string, emailAddress: string, options: { personalisation: Record<string, string>; reference: string }): Promise<unknown>;
  sendSms(templateId: string, phoneNumber: string, options: { personalisation: Record<string, string>; reference: string }): Promise<unknown>;
  setClient(client: NotifyRestClient): void;
}

type NotifyModule = { NotifyClient?: new (apiKey: string) => NotifyClientLike; default?: { NotifyClient: new (apiKey: string) => NotifyClientLike } };

const HINTS: Record<number, string> = {
  400: 'check the template ids and that the address or number is valid',
  403: 'check NOTIFY_API_KEY',
  429: 'too many messages at once; it will be tried again',
};

/**
 * Turns what the client throws (an axios error) into words safe to keep on the message: the HTTP
 * status and Notify's error class, or the network error code. Notify's own message text is left
 * out because it can quote the address it was given.
 */
export function notifyFailure(error: unknown): SendFailure {
  const e = error as { response?: { status?: unknown; data?: { errors?: { error?: unknown }[] } }; code?: unknown } | null;
  const status = e?.response?.status;
  if (typeof status === 'number') {
    const kind = e?.response?.data?.errors?.[0]?.error;
    const safeKind = typeof kind === 'string' && /^[A-Za-z]{1,60}$/.test(kind) ? ` ${kind}` : '';
    const hint = HINTS[status] ?? (status >= 500 ? 'a problem at GOV.UK Notify; it will be tried again' : undefined);
    return new SendFailure(`GOV.UK Notify answered HTTP ${status}${safeKind}${hint ? `: ${hint}` : ''}`);
  }
  const code = e?.code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{0,39}$/.test(code)) return new SendFailure(`Could not reach GOV.UK Notify (${code})`);
  return new SendFailure('Could not reach GOV.UK Notify');
}

export async function createNotifySend(config: NotifyConfig, options: { restClient?: NotifyRestClient } = {}): Promise<Send> {
  const loaded = (await import('notifications-node-client')) as unknown as NotifyModule;
  const NotifyClient = loaded.NotifyClient ?? loaded.default?.NotifyClient;
  if (!NotifyClient) throw new Error('notifications-node-client did not provide NotifyClient');
  const client = new NotifyClient(config.apiKey);
  if (options.restClient) client.setClient(options.restClient);
  return async (message) => {
    try {
      if (message.channel === 'email') {
        await client.sendEmail(config.emailTemplateId, message.recipient, {
          personalisation: { subject: message.subject, body: message.body },
          reference: message.id,
        });
      } else {
        await client.sendSms(config.smsTemplateId, message.recipient, { personalisation: { body: message.body }, reference: message.id });
      }
    } catch (error) {
      throw notifyFailure(error);
    }
  };
}
