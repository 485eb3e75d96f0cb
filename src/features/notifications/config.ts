/**
 * GOV.UK Notify settings. Sending is off unless NOTIFY_API_KEY is set: then both template ids are
 * required, so a half-configured server refuses to start rather than silently sending nothing.
 * Kept apart from platform/config.ts (which calls it) so the notification rules live with the feature.
 */
export interface NotifyConfig {
  apiKey: string;
  /** An email template whose subject is `((subject))` and whose content is `((body))`. */
  emailTemplateId: string;
  /** A text message template whose content is `((body))`. */
  smsTemplateId: string;
}

/** Thrown with the name of the setting at fault; platform/config.ts turns it into a ConfigError. */
export class NotifySettingError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
    this.name = 'NotifySettingError';
  }
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
// A Notify API key is "{key name}-{service id}-{secret}": it ends with two UUIDs.
const API_KEY = new RegExp(`^[A-Za-z0-9_-]*${UUID}-${UUID}$`, 'i');
const TEMPLATE_ID = new RegExp(`^${UUID}$`, 'i');

export function notifyConfigFrom(env: NodeJS.ProcessEnv): NotifyConfig | null {
  const apiKey = env.NOTIFY_API_KEY?.trim() || undefined;
  const emailTemplateId = env.NOTIFY_EMAIL_TEMPLATE_ID?.trim() || undefined;
  const smsTemplateId = env.NOTIFY_SMS_TEMPLATE_ID?.trim() || undefined;
  if (apiKey === undefined) {
    if (emailTemplateId !== undefined) throw new NotifySettingError('NOTIFY_EMAIL_TEMPLATE_ID', 'only applies with NOTIFY_API_KEY set');
    if (smsTemplateId !== undefined) throw new NotifySettingError('NOTIFY_SMS_TEMPLATE_ID', 'only applies with NOTIFY_API_KEY set');
    return null;
  }
  // Never echo the key: it is a credential.
  if (!API_KEY.test(apiKey)) throw new NotifySettingError('NOTIFY_API_KEY', 'does not look like a GOV.UK Notify API key (it ends with two ids)');
  if (emailTemplateId === undefined) {
    throw new NotifySettingError('NOTIFY_EMAIL_TEMPLATE_ID', 'is required when NOTIFY_API_KEY is set (an email template with subject ((subject)) and content ((body)))');
  }
  if (smsTemplateId === undefined) {
    throw new NotifySettingError('NOTIFY_SMS_TEMPLATE_ID', 'is required when NOTIFY_API_KEY is set (a text message template with content ((body)))');
  }
  if (!TEMPLATE_ID.test(emailTemplateId)) throw new NotifySettingError('NOTIFY_EMAIL_TEMPLATE_ID', `must be a template id like 0f1e2d3c-…, got "${emailTemplateId}"`);
  if (!TEMPLATE_ID.test(smsTemplateId)) throw new NotifySettingError('NOTIFY_SMS_TEMPLATE_ID', `must be a template id like 0f1e2d3c-…, got "${smsTemplateId}"`);
  return { apiKey, emailTemplateId, smsTemplateId };
}
