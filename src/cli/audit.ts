import type { Command } from 'commander';
import type { Organisation } from '../platform/db/schema.js';
import { CLI_ACTOR, CliError, interruption, Interrupted, orgContext, organisationFor, write, withServices } from './support.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date as the start of that day in UTC; refuses 2026-02-30 rather than rolling it over. */
export function parseSince(raw: string): Date {
  const date = new Date(`${raw}T00:00:00Z`);
  if (!DATE.test(raw) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== raw) {
    throw new CliError(`Enter a date in the format YYYY-MM-DD, like 2026-11-25 (got "${raw}")`, 'since');
  }
  return date;
}

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('export the audit trail');

  audit
    .command('export')
    .description('write audit events as NDJSON (one JSON object per line) to standard output')
    .requiredOption('--since <date>', 'first day to include, YYYY-MM-DD (from midnight UTC)')
    .option('--org <slug>', 'only this organisation (default: every organisation)')
    .addHelpText(
      'after',
      `
Events come oldest first within each organisation; without --org the organisations follow one
another in name order. Each line carries organisationId and organisationSlug.
  linkwork audit export --since 2026-01-01 > audit.ndjson
`,
    )
    .action(async (options: { since: string; org?: string }) => {
      const since = parseSince(options.since.trim());
      await withServices(async (services) => {
        const organisations: Organisation[] =
          options.org !== undefined ? [await organisationFor(services, options.org)] : await services.organisations.listAll(CLI_ACTOR);
        for (const organisation of organisations) {
          // Each organisation in its own context, so row-level security sees exactly one at a time.
          for await (const event of services.audit.exportSince(orgContext(organisation), since)) {
            if (interruption.requested) throw new Interrupted();
            const line = {
              id: event.id,
              occurredAt: new Date(event.occurredAt).toISOString(),
              organisationId: organisation.id,
              organisationSlug: organisation.slug,
              action: event.action,
              actorLabel: event.actorLabel,
              actorName: event.actorName,
              subjectType: event.subjectType,
              subjectId: event.subjectId,
              requestId: event.requestId,
              detail: event.detail,
            };
            await write(JSON.stringify(line) + '\n');
          }
        }
      });
    });
}
