import { Option, type Command } from 'commander';
import { ORGANISATION_TYPE_LABELS } from '../features/organisations/service.js';
import { ORGANISATION_TYPES } from '../platform/db/schema.js';
import { CLI_ACTOR, describeOrganisation, print, withServices } from './support.js';

export function registerOrgs(program: Command): void {
  const orgs = program.command('orgs').description('add and list organisations');

  orgs
    .command('add')
    .description('add an organisation (a GP practice, social prescribing service, VCSE, ...)')
    .requiredOption('--slug <slug>', 'short name for web addresses, like riverside-pcn')
    .requiredOption('--name <name>', 'full name, like "Riverside PCN Social Prescribing"')
    .addOption(new Option('--type <type>', 'kind of organisation').choices(ORGANISATION_TYPES).makeOptionMandatory())
    .addHelpText('after', `\nTypes:\n${ORGANISATION_TYPES.map((t) => `  ${t.padEnd(16)} ${ORGANISATION_TYPE_LABELS[t]}`).join('\n')}\n`)
    .action(async (options: { slug: string; name: string; type: string }) => {
      await withServices(async (services) => {
        const organisation = await services.organisations.add(CLI_ACTOR, null, options);
        await print(`Added ${describeOrganisation(organisation)}, type ${organisation.type}, id ${organisation.id}.`);
      });
    });

  orgs
    .command('list')
    .description('list every organisation: short name, type and name')
    .action(async () => {
      await withServices(async (services) => {
        const all = await services.organisations.listAll(CLI_ACTOR);
        if (all.length === 0) {
          await print('There are no organisations yet. Add one with: linkwork orgs add --slug S --name N --type T');
          return;
        }
        const slugWidth = Math.max(...all.map((o) => o.slug.length), 'SLUG'.length);
        const typeWidth = Math.max(...all.map((o) => o.type.length), 'TYPE'.length);
        await print(
          `${'SLUG'.padEnd(slugWidth)}  ${'TYPE'.padEnd(typeWidth)}  NAME`,
          ...all.map((o) => `${o.slug.padEnd(slugWidth)}  ${o.type.padEnd(typeWidth)}  ${o.name}`),
        );
      });
    });
}
