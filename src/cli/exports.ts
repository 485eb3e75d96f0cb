import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { RequestContext } from '../platform/context.js';
import { returnCsv } from '../features/reports/exports/return.js';
import { createExportService } from '../features/reports/exports/service.js';
import { group } from './outcomes.js';
import { describeOrganisation, orgContext, organisationFor, withServices, write } from './support.js';

/** `linkwork export quarterly-return`: the same return the exports page downloads. */
export function registerExports(program: Command): void {
  group(program, 'export', 'write data to files')
    .command('quarterly-return')
    .description('write the quarterly return (counts in the four minimum data groups) as CSV')
    .requiredOption('--org <slug>', 'a social prescribing service (its own return) or a commissioner (its commissioned services, small numbers suppressed)')
    .option('--quarter <YYYY-QN>', 'financial quarter, e.g. 2025-Q4 = January to March 2026 (default: the last that has ended)')
    .option('--service <slug>', 'for a commissioner: one commissioned service only')
    .option('--out <file>', 'write to this file instead of standard output')
    .addHelpText('after', '\n  linkwork export quarterly-return --org north-city-icb --quarter 2025-Q4 --out return.csv\n')
    .action(async (options: { org: string; quarter?: string; service?: string; out?: string }) => {
      await withServices(async (services) => {
        const organisation = await organisationFor(services, options.org);
        // A commissioner's return is a commissioner's: its commissioned services, suppressed.
        const ctx: RequestContext = { ...orgContext(organisation), role: organisation.type === 'commissioner' ? 'commissioner' : 'admin' };
        const service = options.service ? (await organisationFor(services, options.service)).id : undefined;
        const result = await createExportService(services.db).quarterlyReturn(ctx, { quarter: options.quarter, service });
        const csv = returnCsv(result.quarter, result.rows);
        if (options.out) {
          await writeFile(options.out, csv);
          process.stderr.write(`linkwork: wrote ${result.rows.length} rows for ${result.quarter.label}${result.inProgress ? ' (so far)' : ''}, ${describeOrganisation(organisation)}, to ${options.out}\n`);
        } else {
          await write(csv);
        }
      });
    });
}
