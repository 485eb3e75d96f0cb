import type { Command } from 'commander';
import type { RequestContext } from '../platform/context.js';
import { accountFor, CLI_LABEL, CliError, describeOrganisation, memberOf, orgContext, organisationFor, print, withServices } from './support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerTokens(program: Command): void {
  const tokens = program.command('tokens').description('create and revoke API tokens');

  tokens
    .command('create')
    .description('create an API token for a user, acting with their role in one organisation')
    .requiredOption('--email <email>', 'whose token it is')
    .option('--org <slug>', 'the organisation it acts in (needed when they have roles in more than one)')
    .option('--name <name>', 'what it is for, like "GP system integration"')
    .addHelpText('after', '\nThe token is the last line of the output and is shown only once:\n  TOKEN=$(linkwork tokens create --email ... | tail -n 1)\n')
    .action(async (options: { email: string; org?: string; name?: string }) => {
      await withServices(async (services) => {
        const user = await accountFor(services, options.email);
        if (!user.active) throw new CliError(`The account ${user.email} is deactivated`, 'email');
        const memberships = await services.users.membershipsOf(user.id);
        let membership = memberships[0];
        if (options.org !== undefined) {
          const organisation = await organisationFor(services, options.org);
          membership = memberships.find((m) => m.organisationId === organisation.id);
          if (!membership) throw new CliError(`${user.email} has no active role at ${organisation.slug}`, 'org');
        } else if (memberships.length === 0) {
          throw new CliError(`${user.email} has no active role in any organisation`, 'email');
        } else if (memberships.length > 1) {
          throw new CliError(
            `${user.email} has roles in ${memberships.length} organisations: choose one with --org (${memberships.map((m) => m.slug).join(', ')})`,
            'org',
          );
        }
        const chosen = membership!;
        // The token belongs to the user and acts with their role; the audit trail says the CLI made it.
        const ctx: RequestContext = {
          requestId: null,
          organisationId: chosen.organisationId,
          role: chosen.role,
          actor: { userId: user.id, label: CLI_LABEL, platformAdmin: user.platformAdmin },
        };
        const name = options.name ?? `Created with the linkwork CLI on ${new Date().toISOString().slice(0, 10)}`;
        const created = await services.tokens.create(ctx, name);
        await print(
          `Created API token "${name.trim()}" (id ${created.id}) for ${user.email} at ${describeOrganisation(chosen)}, acting as ${chosen.role}.`,
          'Store it safely now: it is shown only this once. Send it as "Authorization: Bearer <token>".',
          created.token,
        );
      });
    });

  tokens
    .command('revoke')
    .description('revoke one of a user’s API tokens at once')
    .requiredOption('--email <email>', 'whose token it is')
    .requiredOption('--org <slug>', 'the organisation the token acts in')
    .requiredOption('--id <id>', 'the token’s id (printed when it was created)')
    .action(async (options: { email: string; org: string; id: string }) => {
      const id = options.id.trim().toLowerCase();
      if (!UUID.test(id)) throw new CliError('Token id must be the id printed when the token was created (a UUID)', 'id');
      await withServices(async (services) => {
        const organisation = await organisationFor(services, options.org);
        const user = await accountFor(services, options.email);
        const member = await memberOf(services, organisation, user.id, user.email);
        const own: RequestContext = {
          requestId: null,
          organisationId: organisation.id,
          role: member.role,
          actor: { userId: user.id, label: CLI_LABEL, platformAdmin: user.platformAdmin },
        };
        const token = (await services.tokens.listOwn(own)).find((t) => t.id === id);
        if (!token) throw new CliError(`${user.email} has no API token with id ${id} at ${organisation.slug}`, 'id');
        if (token.revokedAt) {
          await print(`API token "${token.name}" (id ${id}) was already revoked on ${new Date(token.revokedAt).toISOString()}: nothing changed.`);
          return;
        }
        await services.tokens.revoke(orgContext(organisation), id);
        await print(`Revoked API token "${token.name}" (id ${id}) of ${user.email} at ${describeOrganisation(organisation)}.`);
      });
    });
}
