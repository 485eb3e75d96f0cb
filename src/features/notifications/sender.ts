import type { Database, DbScope, Tx } from '../../platform/db/database.js';

/**
 * Delivers what the outbox holds. Messages are queued in the transaction of the change they report
 * (outbox.ts); this takes each organisation's pending ones, in that organisation's row-level security
 * context, hands each to `send` (GOV.UK Notify in production: notify.ts; a recording fake in tests),
 * and marks it sent or failed. Failed messages are tried again, up to MAX_ATTEMPTS in all.
 *
 * Delivery is at least once: if the database cannot record a send that succeeded, the message is
 * sent again on a later run. Nothing here logs or stores a recipient or a message body: logs carry
 * ids and counts, and `last_error` holds only what `safeErrorMessage` lets through.
 */

export const MAX_ATTEMPTS = 5;

export interface OutgoingMessage {
  id: string;
  organisationId: string;
  channel: 'email' | 'text';
  recipient: string;
  template: string;
  subject: string;
  body: string;
}

/** Sends one message or throws. Throw a `SendFailure` to choose the words kept on the message. */
export type Send = (message: OutgoingMessage) => Promise<void>;

/** A failure whose message is safe to keep and show to administrators: no address, no content. */
export class SendFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SendFailure';
  }
}

/**
 * What is kept of a failure. Only a SendFailure's own words (written to be safe) survive; any other
 * error may quote what it was given (an address, a body), so only its class name is kept.
 */
export function safeErrorMessage(error: unknown): string {
  if (error instanceof SendFailure) return error.message.slice(0, 300);
  const name = error instanceof Error && /^[A-Za-z][A-Za-z0-9]{0,39}$/.test(error.name) ? error.name : 'Error';
  return `Sending failed with an unexpected error (${name})`;
}

/** The subset of a pino logger the sender uses. */
export interface SenderLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

const silent: SenderLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface SendRunOptions {
  send: Send;
  /** Only these organisations (tests; a deployment processes every organisation). */
  organisationIds?: readonly string[];
  /** At most this many messages per organisation per run, oldest first. */
  batchSize?: number;
  maxAttempts?: number;
  /** A send that has not settled by then counts as failed. */
  sendTimeoutMs?: number;
  /**
   * Keep the message's row locked (SELECT … FOR UPDATE SKIP LOCKED) while it is being sent, so two
   * servers never send the same message. Right for PostgreSQL; on PGlite, which has one connection
   * and one process, holding a transaction during a network call would stall every page, so the
   * default there is to claim, send outside any transaction, then record.
   */
  holdLockWhileSending?: boolean;
  /** Leave a message for a later run (the loop's back-off between retries). */
  skip?: (id: string, attempts: number) => boolean;
  log?: SenderLog;
}

export type Outcome = 'sent' | 'failed' | 'gave-up';

export interface SendResult {
  id: string;
  organisationId: string;
  outcome: Outcome;
  /** Attempts made so far, this one included. */
  attempts: number;
}

export interface SendRunSummary {
  organisations: number;
  sent: number;
  failed: number;
  gaveUp: number;
  results: SendResult[];
}

type Row = OutgoingMessage & { attempts: number };

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendFailure(`The sending service did not answer in time (${ms} ms)`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** One pass over the outbox. Never throws for one message or one organisation: it logs and goes on. */
export async function sendPendingMessages(db: Database, options: SendRunOptions): Promise<SendRunSummary> {
  const maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
  const batchSize = options.batchSize ?? 50;
  const timeoutMs = options.sendTimeoutMs ?? 30_000;
  const holdLock = options.holdLockWhileSending ?? db.kind === 'postgresql';
  const log = options.log ?? silent;
  const summary: SendRunSummary = { organisations: 0, sent: 0, failed: 0, gaveUp: 0, results: [] };

  const organisationIds =
    options.organisationIds ?? (await db.kysely.selectFrom('organisation').select('id').orderBy('id').execute()).map((row) => row.id);

  for (const organisationId of organisationIds) {
    const scope: DbScope = { organisationId, userId: null };

    // Pending, or failed with attempts left. The organisation filter repeats what RLS enforces.
    const eligible = (tx: Tx) =>
      tx
        .selectFrom('outboxMessage')
        .where('organisationId', '=', organisationId)
        .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'failed'), eb('attempts', '<', maxAttempts)])]));

    const claim = (tx: Tx, id: string) =>
      eligible(tx)
        .select(['id', 'organisationId', 'channel', 'recipient', 'template', 'subject', 'body', 'attempts'])
        .where('id', '=', id)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();

    const attempt = async (row: Row): Promise<string | null> => {
      try {
        const { attempts: _attempts, ...message } = row;
        await withTimeout(options.send(message), timeoutMs);
        return null;
      } catch (error) {
        return safeErrorMessage(error);
      }
    };

    /** Records the outcome only if nobody else recorded one since the claim; says whether it did. */
    const record = async (tx: Tx, row: Row, error: string | null): Promise<boolean> => {
      const attempts = row.attempts + 1;
      const result = await tx
        .updateTable('outboxMessage')
        .set(error === null ? { status: 'sent', attempts, sentAt: new Date(), lastError: null } : { status: 'failed', attempts, lastError: error })
        .where('organisationId', '=', organisationId)
        .where('id', '=', row.id)
        .where('attempts', '=', row.attempts)
        .where('status', '<>', 'sent')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    };

    let candidates: { id: string; attempts: number }[];
    try {
      candidates = await db.inScope(scope, (tx) =>
        eligible(tx).select(['id', 'attempts']).orderBy('createdAt').orderBy('id').limit(batchSize).execute(),
      );
    } catch (error) {
      log.error({ organisationId, err: safeErrorMessage(error) }, 'outbox: could not read pending messages');
      continue;
    }
    summary.organisations++;

    for (const candidate of candidates) {
      if (options.skip?.(candidate.id, candidate.attempts)) continue;
      try {
        let done: { row: Row; error: string | null } | null;
        if (holdLock) {
          done = await db.inScope(scope, async (tx) => {
            const row = await claim(tx, candidate.id);
            if (!row) return null;
            const error = await attempt(row);
            return (await record(tx, row, error)) ? { row, error } : null;
          });
        } else {
          const row = await db.inScope(scope, (tx) => claim(tx, candidate.id));
          if (!row) continue;
          const error = await attempt(row);
          done = (await db.inScope(scope, (tx) => record(tx, row, error))) ? { row, error } : null;
        }
        if (!done) continue;
        const attempts = done.row.attempts + 1;
        const outcome: Outcome = done.error === null ? 'sent' : attempts >= maxAttempts ? 'gave-up' : 'failed';
        summary.results.push({ id: candidate.id, organisationId, outcome, attempts });
        if (outcome === 'sent') summary.sent++;
        else {
          if (outcome === 'gave-up') summary.gaveUp++;
          else summary.failed++;
          log.warn({ organisationId, messageId: candidate.id, attempts, gaveUp: outcome === 'gave-up' }, 'outbox: message not sent');
        }
      } catch (error) {
        log.error({ organisationId, messageId: candidate.id, err: safeErrorMessage(error) }, 'outbox: could not process message');
      }
    }
  }

  if (summary.sent + summary.failed + summary.gaveUp > 0) {
    log.info({ organisations: summary.organisations, sent: summary.sent, failed: summary.failed, gaveUp: summary.gaveUp }, 'outbox: run finished');
  }
  return summary;
}

export interface OutboxSender {
  /** Runs one pass now (waits for a pass already under way first). */
  runNow(): Promise<SendRunSummary | null>;
  /** Stops the timer and waits for the pass under way, if any. */
  stop(): Promise<void>;
}

export interface OutboxSenderOptions extends Omit<SendRunOptions, 'skip'> {
  /** Time between passes; the next pass is timed from the end of the last, so passes never overlap. */
  intervalMs?: number;
  /** Wait before retrying a failed message: this, doubled after each further failure. */
  retryBaseMs?: number;
  /** Time before the first pass after start-up. */
  firstRunMs?: number;
  now?: () => number;
}

/**
 * Runs `sendPendingMessages` on a timer in the server process. The timer is unref'd (it never keeps
 * the process alive) and `stop()` is called on shutdown. Between retries of a failed message it
 * waits 1, 2, 4, 8 minutes (by default), so a short GOV.UK Notify outage does not use up attempts;
 * the wait is kept in memory, so a restart simply retries sooner.
 */
export function startOutboxSender(db: Database, options: OutboxSenderOptions): OutboxSender {
  const intervalMs = options.intervalMs ?? 30_000;
  const retryBaseMs = options.retryBaseMs ?? 60_000;
  const now = options.now ?? Date.now;
  const log = options.log ?? silent;
  const notBefore = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<SendRunSummary | null> | null = null;
  let stopped = false;

  const pass = async (): Promise<SendRunSummary | null> => {
    try {
      const summary = await sendPendingMessages(db, {
        ...options,
        log,
        skip: (id) => (notBefore.get(id) ?? 0) > now(),
      });
      for (const result of summary.results) {
        if (result.outcome === 'failed') notBefore.set(result.id, now() + retryBaseMs * 2 ** (result.attempts - 1));
        else notBefore.delete(result.id);
      }
      return summary;
    } catch (error) {
      log.error({ err: safeErrorMessage(error) }, 'outbox: run failed');
      return null;
    }
  };

  const runNow = async (): Promise<SendRunSummary | null> => {
    while (running) await running;
    running = pass();
    try {
      return await running;
    } finally {
      running = null;
    }
  };

  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      void runNow().finally(() => schedule(intervalMs));
    }, delay);
    timer.unref();
  };
  schedule(options.firstRunMs ?? 1_000);

  return {
    runNow,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      if (running) await running;
    },
  };
}
