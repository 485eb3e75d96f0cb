import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { GpFileProblem, outcomesCsv, parseGpAttendanceCsv } from '../features/outcomes/csv.js';
import { CliError, describeOrganisation, orgContext, organisationFor, print, withServices, write } from './support.js';

/** The `import` or `export` group another module registered, so outcomes add to it rather than replace it. */
export function group(program: Command, name: 'import' | 'export', description: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(description);
}

/** `linkwork import gp-attendance` and `linkwork export outcomes`. */
export function registerOutcomes(program: Command): void {
  group(program, 'import', 'load data from files')
    .command('gp-attendance')
    .description('load GP appointment counts (6 months before / 6 months after referral) from a CSV file')
    .argument('<file>', 'CSV with a header row: nhs_number or person_id, period (before or after), count')
    .requiredOption('--org <slug>', 'the social prescribing service whose cases receive the counts')
    .addHelpText(
      'after',
      `
Each row goes on the person's most recent case, if that case's programme collects GP attendance.
A row naming someone with no case here, or with a bad period or count, is reported and skipped.
Importing the same file again sets the same counts.

Example file:
  nhs_number,period,count
  9990000018,before,6
  9990000018,after,2
`,
    )
    .action(async (file: string, options: { org: string }) => {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new CliError(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'file');
      }
      let rows;
      try {
        rows = parseGpAttendanceCsv(text);
      } catch (error) {
        if (error instanceof GpFileProblem) throw new CliError(error.message, 'file');
        throw error;
      }
      await withServices(async (services) => {
        const organisation = await organisationFor(services, options.org);
        const summary = await services.outcomes.importGpAttendance(orgContext(organisation), rows);
        await print(
          `GP attendance for ${describeOrganisation(organisation)}: ${summary.imported} imported, ${summary.rejected.length} rejected`,
          ...summary.rejected.map((r) => `  line ${r.line}: ${r.message}`),
        );
        if (summary.rejected.length > 0) process.exitCode = 1;
      });
    });

  group(program, 'export', 'write data to files')
    .command('outcomes')
    .description('write outcome measures, SNOMED-coded referral events and GP attendance as CSV, with a pseudonym for each person')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD (inclusive)')
    .requiredOption('--org <slug>', 'the social prescribing service')
    .option('--out <file>', 'write to this file instead of standard output')
    .addHelpText(
      'after',
      `
Columns: person (a pseudonym: the same person always gets the same one from this installation, and
it cannot be turned back into a name or NHS number; it is derived from SESSION_SECRET, so changing
that changes every pseudonym), kind (measure, referral-event, gp-attendance), code, date, timepoint,
declined, answers (in item order, ";" between, empty when not answered), score (total or metric
score), item_scores, snomed_code. Measures by the date completed; referral events by the day they
happened; GP attendance by the day of referral.
  linkwork export outcomes --from 2026-04-01 --to 2027-03-31 --org riverside-pcn > outcomes.csv
`,
    )
    .action(async (options: { from: string; to: string; org: string; out?: string }) => {
      await withServices(async (services) => {
        const organisation = await organisationFor(services, options.org);
        const rows = await services.outcomes.exportRows(orgContext(organisation), { from: options.from.trim(), to: options.to.trim() });
        const csv = outcomesCsv(rows);
        if (options.out) {
          await writeFile(options.out, csv);
          process.stderr.write(`linkwork: wrote ${rows.length} rows to ${options.out}\n`);
        } else {
          await write(csv);
        }
      });
    });
}
