import type { Command } from 'commander';
import { queueReviewReminders } from '../features/directory/upkeep/reminders.js';
import { dayIn, isDay } from '../features/directory/upkeep/rules.js';
import { CliError, print, withServices } from './support.js';

/**
 * `linkwork directory remind`: what the server does daily, on demand (for a cron job when the
 * server runs elsewhere, or to see what would go out). Another command group may also add
 * `directory` subcommands, so the group is shared rather than redefined.
 */
export function registerDirectoryUpkeep(program: Command): void {
  const directory =
    program.commands.find((command) => command.name() === 'directory') ?? program.command('directory').description('community directory upkeep');

  directory
    .command('remind')
    .description('queue review reminders to providers whose services have not been confirmed for 6 months (at most every 30 days per service)')
    .option('--date <YYYY-MM-DD>', 'act as if today were this date (default: today in England)')
    .action(async (options: { date?: string }) => {
      const today = options.date ?? dayIn(new Date());
      if (!isDay(today)) throw new CliError(`"${today}" is not a date: use the form YYYY-MM-DD`, 'date');
      await withServices(async (services) => {
        const run = await queueReviewReminders(services.db, today);
        const lines = [
          run.messages === 0
            ? `No reminders were due on ${today}.`
            : `Queued ${run.messages} reminder email${run.messages === 1 ? '' : 's'} to ${run.providers} provider organisation${run.providers === 1 ? '' : 's'} about ${run.services} service${run.services === 1 ? '' : 's'}. They wait in each directory's outbox until sent.`,
        ];
        if (run.providersWithoutRecipients > 0) {
          lines.push(
            `${run.providersWithoutRecipients} provider organisation${run.providersWithoutRecipients === 1 ? ' has' : 's have'} services to review but no active user with the provider role, so nobody could be reminded.`,
          );
        }
        await print(...lines);
      });
    });
}
