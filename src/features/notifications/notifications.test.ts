import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../platform/config.js';
import { notifyConfigFrom } from './config.js';
import { maskEmail, maskPhone } from './mask.js';
import { createNotifySend, notifyFailure, type NotifyRestClient } from './notify.js';
import { SendFailure } from './sender.js';

const SERVICE_ID = '26785a09-ab16-4eb0-8407-a37497a57506';
const SECRET = '3d844edf-8d35-48ac-975b-e847b4f122b0';
const API_KEY = `linkwork_test-${SERVICE_ID}-${SECRET}`;
const EMAIL_TEMPLATE = 'f33517ff-2a88-4f6e-b855-c550268ce08a';
const SMS_TEMPLATE = '0ba9e3a4-3b77-4a4e-9a0f-1b7b8c8d9e0f';

function settingRefused(env: NodeJS.ProcessEnv): string {
  try {
    notifyConfigFrom(env);
  } catch (error) {
    return (error as { setting: string }).setting;
  }
  throw new Error('accepted');
}

describe('GOV.UK Notify settings', () => {
  it('is off without NOTIFY_API_KEY', () => {
    expect(notifyConfigFrom({})).toBeNull();
    expect(notifyConfigFrom({ NOTIFY_API_KEY: '' })).toBeNull();
  });

  it('needs both template ids with the key, naming the one missing', () => {
    expect(settingRefused({ NOTIFY_API_KEY: API_KEY })).toBe('NOTIFY_EMAIL_TEMPLATE_ID');
    expect(settingRefused({ NOTIFY_API_KEY: API_KEY, NOTIFY_EMAIL_TEMPLATE_ID: EMAIL_TEMPLATE })).toBe('NOTIFY_SMS_TEMPLATE_ID');
    expect(settingRefused({ NOTIFY_API_KEY: API_KEY, NOTIFY_SMS_TEMPLATE_ID: SMS_TEMPLATE })).toBe('NOTIFY_EMAIL_TEMPLATE_ID');
    expect(notifyConfigFrom({ NOTIFY_API_KEY: API_KEY, NOTIFY_EMAIL_TEMPLATE_ID: EMAIL_TEMPLATE, NOTIFY_SMS_TEMPLATE_ID: SMS_TEMPLATE })).toEqual({
      apiKey: API_KEY,
      emailTemplateId: EMAIL_TEMPLATE,
      smsTemplateId: SMS_TEMPLATE,
    });
  });

  it('refuses a malformed key without repeating it, and malformed template ids', () => {
    let message = '';
    try {
      notifyConfigFrom({ NOTIFY_API_KEY: 'not-a-real-key-secret', NOTIFY_EMAIL_TEMPLATE_ID: EMAIL_TEMPLATE, NOTIFY_SMS_TEMPLATE_ID: SMS_TEMPLATE });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('GOV.UK Notify API key');
    expect(message).not.toContain('not-a-real-key-secret');
    expect(settingRefused({ NOTIFY_API_KEY: API_KEY, NOTIFY_EMAIL_TEMPLATE_ID: 'welcome', NOTIFY_SMS_TEMPLATE_ID: SMS_TEMPLATE })).toBe('NOTIFY_EMAIL_TEMPLATE_ID');
    expect(settingRefused({ NOTIFY_API_KEY: API_KEY, NOTIFY_EMAIL_TEMPLATE_ID: EMAIL_TEMPLATE, NOTIFY_SMS_TEMPLATE_ID: 'sms' })).toBe('NOTIFY_SMS_TEMPLATE_ID');
  });

  it('refuses template ids without a key, rather than silently sending nothing', () => {
    expect(settingRefused({ NOTIFY_EMAIL_TEMPLATE_ID: EMAIL_TEMPLATE })).toBe('NOTIFY_EMAIL_TEMPLATE_ID');
  });

  it('reaches loadConfig as a ConfigError naming the setting', () => {
    const env = { DATA_DIR: '/nonexistent/linkwork-config-test', SESSION_SECRET: 'a-session-secret-that-is-at-least-32-chars', NOTIFY_API_KEY: API_KEY };
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(/^NOTIFY_EMAIL_TEMPLATE_ID: is required/);
    expect(loadConfig({ ...env, NOTIFY_API_KEY: '' }).notify).toBeNull();
  });
});

describe('masking addresses', () => {
  it('keeps the last four characters of a phone number', () => {
    expect(maskPhone('07700 900123')).toBe('•••••••0123');
    expect(maskPhone('+447700900123')).toBe('•••••••••0123');
    expect(maskPhone('123')).toBe('•••');
  });

  it('keeps the first letter and the domain of an email address', () => {
    expect(maskEmail('aisha.k@example.org')).toBe('a•••@example.org');
    expect(maskEmail('broken')).toBe('•••');
  });
});

describe('sending through GOV.UK Notify', () => {
  const config = { apiKey: API_KEY, emailTemplateId: EMAIL_TEMPLATE, smsTemplateId: SMS_TEMPLATE };
  const message = { id: '6f1c8f5e-62a4-4a47-9f43-1b6f6d3b2c11', organisationId: SERVICE_ID, template: 'referral-received', subject: 'Referral LW-1 received', body: 'Body text' };

  /** A fake of the client's HTTP layer (axios): the real client builds the request, nothing leaves the machine. */
  function fakeHttp(answer: () => Promise<unknown> = async () => ({ status: 201, data: {} })) {
    const requests: Parameters<NotifyRestClient>[0][] = [];
    const restClient: NotifyRestClient = async (request) => {
      requests.push(request);
      return answer();
    };
    return { requests, restClient };
  }

  it('sends an email with the subject and body as personalisation and the outbox id as reference', async () => {
    const { requests, restClient } = fakeHttp();
    const send = await createNotifySend(config, { restClient });
    await send({ ...message, channel: 'email', recipient: 'gp@example.nhs.uk' });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe('post');
    expect(requests[0]!.url).toBe('https://api.notifications.service.gov.uk/v2/notifications/email');
    expect(requests[0]!.data).toEqual({
      template_id: EMAIL_TEMPLATE,
      email_address: 'gp@example.nhs.uk',
      personalisation: { subject: 'Referral LW-1 received', body: 'Body text' },
      reference: message.id,
    });
    expect(requests[0]!.headers?.Authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('sends a text message with the body as personalisation', async () => {
    const { requests, restClient } = fakeHttp();
    const send = await createNotifySend(config, { restClient });
    await send({ ...message, channel: 'text', recipient: '07700900123' });
    expect(requests[0]!.url).toBe('https://api.notifications.service.gov.uk/v2/notifications/sms');
    expect(requests[0]!.data).toEqual({ template_id: SMS_TEMPLATE, phone_number: '07700900123', personalisation: { body: 'Body text' }, reference: message.id });
  });

  it('turns Notify’s refusals into words that carry no address', async () => {
    const refusal = { response: { status: 400, data: { errors: [{ error: 'ValidationError', message: 'email_address gp@example.nhs.uk is not valid' }] } } };
    const { restClient } = fakeHttp(() => Promise.reject(refusal));
    const send = await createNotifySend(config, { restClient });
    const error = await send({ ...message, channel: 'email', recipient: 'gp@example.nhs.uk' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendFailure);
    expect((error as Error).message).toBe('GOV.UK Notify answered HTTP 400 ValidationError: check the template ids and that the address or number is valid');
    expect((error as Error).message).not.toContain('gp@');
  });

  it('names network failures by their code only', () => {
    expect(notifyFailure({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 1.2.3.4:443' }).message).toBe('Could not reach GOV.UK Notify (ECONNREFUSED)');
    expect(notifyFailure({ response: { status: 403, data: { errors: [{ error: 'AuthError' }] } } }).message).toBe('GOV.UK Notify answered HTTP 403 AuthError: check NOTIFY_API_KEY');
    expect(notifyFailure({ response: { status: 502 } }).message).toBe('GOV.UK Notify answered HTTP 502: a problem at GOV.UK Notify; it will be tried again');
    expect(notifyFailure({ response: { status: 400, data: { errors: [{ error: 'to 07700900123' }] } } }).message).toBe(
      'GOV.UK Notify answered HTTP 400: check the template ids and that the address or number is valid',
    );
    expect(notifyFailure(new Error('anything')).message).toBe('Could not reach GOV.UK Notify');
  });
});
