import type { Command } from 'commander';
import { DEMO_LOGINS, DEMO_ORGANISATIONS, DEMO_PASSWORD, seedDemo } from '../features/demo/seed.js';
import { NotFound } from '../platform/errors.js';
import { CliError, print, withDatabase, withServices } from './support.js';

export function registerDatabase(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (other commands, and the server, also do this on start)')
    .action(async () => {
      await withDatabase(async (db) => {
        const applied = await db.migrate();
        if (applied.length === 0) await print('Database is up to date');
        else await print(`Applied ${applied.length} migration${applied.length === 1 ? '' : 's'}:`, ...applied.map((name) => `  ${name}`));
      });
    });

  program
    .command('seed')
    .description('add example data')
    .option('--demo', 'the demo social prescribing service: organisations and users with a shared, published password')
    .addHelpText('after', '\nDemo data is for trying Linkwork out: never seed a database that holds real people’s records.\n')
    .action(async (options: { demo?: boolean }, command: Command) => {
      if (!options.demo) command.error('linkwork: seed: say what to add: --demo is the only choice (see linkwork seed --help)');
      await withServices(async (services, config) => {
        const existing: string[] = [];
        for (const organisation of DEMO_ORGANISATIONS) {
          try {
            existing.push((await services.organisations.bySlug(organisation.slug)).slug);
          } catch (error) {
            if (!(error instanceof NotFound)) throw error;
          }
        }
        if (existing.length > 0) throw new CliError(`The demo organisations already exist (${existing.join(', ')}): nothing was added`);
        for (const login of DEMO_LOGINS) {
          if (await services.users.findByEmail(login.email)) {
            throw new CliError(`An account with the demo email ${login.email} already exists: nothing was added`);
          }
        }
        const logins = await seedDemo(services);
        await print(
          `Added ${DEMO_ORGANISATIONS.length} demo organisations and ${logins.length} demo users.`,
          '',
          `Demo sign-ins (password for all: ${DEMO_PASSWORD}):`,
          ...logins.map((login) => `  ${login.email.padEnd(32)} ${login.roles.map((r) => `${r.role} at ${r.organisation}`).join(', ')}`),
        );
        if (config.databaseKind === 'postgresql') {
          process.stderr.write('linkwork: warning: these demo accounts share a published password; remove them before real use\n');
        }
      });
    });
}
