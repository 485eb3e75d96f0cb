import type { App } from '../../platform/http/app.js';
import { requireContext } from '../../platform/http/request.js';
import type { Services } from '../../services.js';
import { MAX_ATTEMPTS } from './sender.js';
import type { OutboxItem } from './service.js';

/** How each message template reads on the outbox pages. */
const TEMPLATE_LABELS: Record<string, string> = {
  'referral-received': 'Referral received',
  'referral-accepted': 'Referral in progress',
  'referral-closed': 'Referral closed',
  'person-referral-received': 'We have your details',
  'person-referral-accepted': 'Someone will be in touch',
  'directory-review-reminder': 'Please check your directory entries',
};

const RECIPIENT_LABELS: Record<string, string> = { referrer: 'Referrer', person: 'The person referred', provider: 'Provider staff' };
const CHANNEL_LABELS = { email: 'Email', text: 'Text message' } as const;

function statusOf(message: OutboxItem): { text: string; colour: string } {
  if (message.status === 'sent') return { text: 'Sent', colour: 'green' };
  if (message.status === 'pending') return { text: 'Waiting to send', colour: 'blue' };
  if (message.gaveUp) return { text: `Not sent after ${MAX_ATTEMPTS} attempts`, colour: 'red' };
  return { text: 'Failed, will try again', colour: 'orange' };
}

function row(message: OutboxItem) {
  return {
    ...message,
    templateLabel: TEMPLATE_LABELS[message.template] ?? message.template,
    recipientLabel: RECIPIENT_LABELS[message.recipientKind] ?? message.recipientKind,
    channelLabel: CHANNEL_LABELS[message.channel],
    statusTag: statusOf(message),
  };
}

export async function notificationRoutes(app: App, services: Services): Promise<void> {
  const LIST = 'features/notifications/views/outbox.njk';
  const MESSAGE = 'features/notifications/views/message.njk';

  app.get('/admin/outbox', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const { cursor } = request.query as Record<string, unknown>;
    const page = await services.notifications.list(ctx, { cursor });
    return reply.page(LIST, {
      title: 'Message outbox',
      sendingConfigured: services.notifications.sendingConfigured,
      messages: page.items.map(row),
      counts: page.counts,
      nextUrl: page.nextCursor ? `/admin/outbox?cursor=${encodeURIComponent(page.nextCursor)}` : null,
      maxAttempts: MAX_ATTEMPTS,
    });
  });

  app.get('/admin/outbox/:messageId', { schema: { hide: true } }, async (request, reply) => {
    const ctx = requireContext(request);
    const { messageId } = request.params as { messageId: string };
    const message = await services.notifications.get(ctx, messageId);
    reply.header('cache-control', 'no-store');
    return reply.page(MESSAGE, {
      title: 'Message',
      sendingConfigured: services.notifications.sendingConfigured,
      message: { ...row(message), subject: message.subject, body: message.body, lastError: message.lastError },
      maxAttempts: MAX_ATTEMPTS,
    });
  });
}
