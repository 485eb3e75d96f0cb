import { Option, type Command } from 'commander';
import { ROLE_LABELS } from '../features/users/service.js';
import { ROLES, type Role } from '../platform/db/schema.js';
import { accountFor, CliError, describeOrganisation, memberOf, orgContext, organisationFor, print, withServices } from './support.js';

const roleOption = () =>
  new Option('--role <role>', 'role in that organisation').choices(ROLES).makeOptionMandatory();

const ROLES_HELP = `\nRoles:\n${ROLES.map((r) => `  ${r.padEnd(14)} ${ROLE_LABELS[r]}`).join('\n')}\n`;

/** Reads one line: typed without echo at a terminal, or piped (`printf '%s\n' "$PW" | linkwork ...`). */
export async function readSecretLine(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    process.stderr.write(prompt);
    return new Promise((resolve, reject) => {
      let value = '';
      const finish = () => {
        stdin.off('data', onData);
        stdin.setRawMode(false);
        stdin.pause();
        process.stderr.write('\n');
      };
      const onData = (chunk: string) => {
        for (const ch of chunk) {
          if (ch === '\r' || ch === '\n' || ch === '\u0004') {
            finish();
            resolve(value);
            return;
          }
          if (ch === '\u0003') {
            finish();
            reject(new CliError('cancelled'));
            return;
          }
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else if (ch >= ' ') value += ch;
        }
      };
      stdin.setEncoding('utf8');
      stdin.setRawMode(true);
      stdin.on('data', onData);
      stdin.resume();
    });
  }
  stdin.setEncoding('utf8');
  let data = '';
  for await (const chunk of stdin) {
    data += chunk as string;
    if (data.includes('\n')) break;
  }
  return data.split(/\r?\n/)[0] ?? '';
}

interface AddOptions {
  email: string;
  name: string;
  org: string;
  role: Role;
  password?: string;
  passwordStdin?: boolean;
  platformAdmin?: boolean;
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('add people, give them roles, change or end their access');

  users
    .command('add')
    .description('create an account with a role in one organisation')
    .requiredOption('--email <email>', 'their email address (their sign-in)')
    .requiredOption('--name <name>', 'their full name')
    .requiredOption('--org <slug>', 'the organisation, by short name')
    .addOption(roleOption())
    .addOption(new Option('--password <password>', 'set a password now (visible in shell history: prefer --password-stdin)').conflicts('passwordStdin'))
    .option('--password-stdin', 'read the password from one line of standard input (typed without echo at a terminal)')
    .option('--platform-admin', 'also make them a platform administrator (can add organisations)')
    .addHelpText(
      'after',
      `${ROLES_HELP}
Without a password, prints an invitation link (valid for 7 days) where they choose their own.
A password given with --password is kept in your shell history; instead pipe it in:
  printf '%s\\n' "$PASSWORD" | linkwork users add --email ... --password-stdin
The email must be new: use "linkwork users grant" to give an existing account a role elsewhere.
`,
    )
    .action(async (options: AddOptions) => {
      let password = options.password;
      if (password === '') throw new CliError('Enter a password, or leave out --password to send an invitation', 'password');
      if (options.passwordStdin) {
        password = await readSecretLine('Password: ');
        if (password === '') throw new CliError('No password was read from standard input', 'password');
      }
      await withServices(async (services) => {
        const organisation = await organisationFor(services, options.org);
        const ctx = orgContext(organisation);
        const added = await services.users.add(
          ctx,
          { email: options.email, name: options.name, role: options.role, password },
          { allowExistingAccount: false },
        );
        if (options.platformAdmin) await services.users.setPlatformAdmin(ctx, added.userId, true);
        const lines = [`Added ${added.name} <${added.email}> to ${describeOrganisation(organisation)} as ${added.role}, user id ${added.userId}.`];
        if (options.platformAdmin) lines.push('They are a platform administrator.');
        if (added.invitePath) {
          lines.push(
            'They have no password yet. Send them this invitation link (valid for 7 days) to choose one.',
            "It is a path on your Linkwork server: put the server's web address in front, like https://linkwork.example.org/invite/...",
            added.invitePath,
          );
        }
        await print(...lines);
      });
    });

  users
    .command('grant')
    .description('give an existing account a role in another organisation')
    .requiredOption('--email <email>', 'the account’s email address')
    .requiredOption('--org <slug>', 'the organisation, by short name')
    .addOption(roleOption())
    .addHelpText('after', ROLES_HELP)
    .action(async (options: { email: string; org: string; role: Role }) => {
      await withServices(async (services) => {
        const organisation = await organisationFor(services, options.org);
        await accountFor(services, options.email, ': use "linkwork users add" to create one');
        // The name is required by validation but unused: an existing account keeps its own.
        const added = await services.users.add(
          orgContext(organisation),
          { email: options.email, name: '(existing account)', role: options.role },
          { allowExistingAccount: true },
        );
        await print(`Gave ${added.name} <${added.email}> the role ${added.role} at ${describeOrganisation(organisation)}.`);
      });
    });

  users
    .command('set-role')
    .description('change someone’s role in an organisation')
    .requiredOption('--email <email>', 'their email address')
    .requiredOption('--org <slug>', 'the organisation, by short name')
    .addOption(roleOption())
    .addHelpText('after', ROLES_HELP)
    .action(async (options: { email: string; org: string; role: Role }) => {
      await withServices(async (services) => {
        const organisation = await organisationFor(services, options.org);
        const user = await accountFor(services, options.email);
        const member = await memberOf(services, organisation, user.id, user.email);
        if (member.role === options.role) {
          await print(`${user.name} <${user.email}> already has the role ${member.role} at ${describeOrganisation(organisation)}: nothing changed.`);
          return;
        }
        await services.users.changeRole(orgContext(organisation), user.id, options.role);
        await print(`Changed ${user.name} <${user.email}> at ${describeOrganisation(organisation)} from ${member.role} to ${options.role}.`);
      });
    });

  users
    .command('deactivate')
    .description('end someone’s access to an organisation (their records stay; sessions and tokens there stop working)')
    .requiredOption('--email <email>', 'their email address')
    .requiredOption('--org <slug>', 'the organisation, by short name')
    .action(async (options: { email: string; org: string }) => {
      await withServices(async (services) => {
        const organisation = await organisationFor(services, options.org);
        const user = await accountFor(services, options.email);
        const member = await memberOf(services, organisation, user.id, user.email);
        if (!member.active) {
          await print(`${user.name} <${user.email}> was already deactivated at ${describeOrganisation(organisation)}: nothing changed.`);
          return;
        }
        await services.users.deactivate(orgContext(organisation), user.id);
        await print(
          `Deactivated ${user.name} <${user.email}> at ${describeOrganisation(organisation)}: they can no longer sign in there or use API tokens for it.`,
        );
      });
    });
}
