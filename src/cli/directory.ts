import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { exportOruk } from '../features/directory/export/export.js';
import { importPostcodes, PostcodeFileProblem, type PostcodeImportProgress } from '../features/directory/geo/postcodes-import.js';
import { FORMAT_LABELS, ImportSourceProblem, importOruk, MAX_REJECTIONS_LISTED, type ImportProgress, type ImportSummary } from '../features/directory/import/importer.js';
import { writeTo } from '../platform/write-stream.js';
import { CliError, describeOrganisation, interruption, Interrupted, orgContext, organisationFor, print, withServices, write as writeStdout } from './support.js';

/**
 * `linkwork import oruk|postcodes` and `linkwork export oruk`: the community directory in and out in
 * Open Referral UK JSON, and unit postcode centroids from the ONS.
 */
export function registerDirectory(program: Command): void {
  const importing = program.command('import').description('load directory services (Open Referral UK) or ONS postcode centroids');
  const exporting = program.command('export').description('write a directory as Open Referral UK 3.0 JSON');

  importing
    .command('oruk')
    .description('import services from Open Referral UK JSON files (ORUK 3.0 or v1) into an organisation\'s directory')
    .argument('<file-or-dir...>', 'JSON or NDJSON files, or folders of them (.json, .ndjson, .jsonl)')
    .requiredOption('--org <slug>', 'the organisation whose directory receives the services')
    .option('--unpublished', 'keep newly created services unpublished until someone reviews them')
    .addOption(new Option('--format <format>', 'the files\' version (default: worked out per file)').choices(['auto', 'oruk3', 'oruk1']).default('auto'))
    .addHelpText(
      'after',
      `
Reads, per file: an ORUK 3.0 /services page ({"contents": [...]}), an ORUK v1 page ({"content": [...]}),
a bare array of services, a single service, or NDJSON (one service per line). Files are streamed, so
size is no problem. Each service is written on its own with its organization and all its details: a
bad record is reported and skipped. Importing the same file again changes nothing.

Example:
  linkwork import oruk services.json --org riverside-pcn
`,
    )
    .action(async (paths: string[], options: { org: string; unpublished?: boolean; format: 'auto' | 'oruk3' | 'oruk1' }) => {
      await withServices(async (services) => {
        const organisation = await organisationFor(services, options.org);
        const progress = progressReporter('services');
        let summary: ImportSummary;
        try {
          summary = await importOruk(services.db, orgContext(organisation), {
            paths,
            published: !options.unpublished,
            format: options.format,
            signal: interruption,
            onProgress: (p: ImportProgress) => progress.update(p.bytesRead, p.totalBytes, `${p.read} read, ${p.created} created, ${p.updated} updated, ${p.unchanged} unchanged, ${p.rejected} rejected`),
          });
        } catch (error) {
          if (error instanceof ImportSourceProblem) throw new CliError(error.message, 'file-or-dir');
          throw error;
        } finally {
          progress.stop();
        }
        await print(...summaryLines(summary, describeOrganisation(organisation)));
        if (summary.interrupted) throw new Interrupted();
        const broken = summary.files.filter((f) => f.problem);
        if (broken.length) {
          throw new CliError(broken.map((f) => `${f.file} was read only up to the problem: ${f.problem}`).join('\n'), 'file-or-dir');
        }
      });
    });

  importing
    .command('postcodes')
    .description('load unit postcode centroids from an ONS Postcode Directory (ONSPD) or NSPL CSV file')
    .argument('<file>', 'the CSV file (about 2.7 million rows; columns found by header: pcds/pcd/pcd7, lat, long, doterm)')
    .addHelpText(
      'after',
      `
Linkwork ships postcode sector and district centroids; with unit postcodes, distances are measured
from the postcode itself. Terminated postcodes (doterm set) and rows without coordinates are skipped.
Download the NSPL or ONSPD from the ONS Open Geography Portal (Open Government Licence) and run:
  linkwork import postcodes NSPL_MAY_2025_UK.csv
`,
    )
    .action(async (file: string) => {
      await withServices(async (services) => {
        const progress = progressReporter('postcodes');
        let summary;
        try {
          summary = await importPostcodes(services.db, file, {
            signal: interruption,
            onProgress: (p: PostcodeImportProgress) => progress.update(p.bytesRead, p.totalBytes, `${p.read} rows read, ${p.imported} postcodes loaded`),
          });
        } catch (error) {
          if (error instanceof PostcodeFileProblem) throw new CliError(error.message, 'file');
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`${file} does not exist`, 'file');
          throw error;
        } finally {
          progress.stop();
        }
        await print(
          `Loaded ${summary.imported} unit postcodes from ${file} (columns ${summary.columns.postcode}, ${summary.columns.latitude}, ${summary.columns.longitude}${summary.columns.terminated ? `, ${summary.columns.terminated}` : ''}).`,
          `  rows read                 ${summary.read}`,
          `  loaded                    ${summary.imported}`,
          `  skipped, terminated       ${summary.terminated}`,
          `  skipped, no coordinates   ${summary.withoutCoordinates}`,
          `  skipped, not a postcode   ${summary.invalidPostcode}`,
        );
        if (interruption.requested) throw new Interrupted();
      });
    });

  exporting
    .command('oruk')
    .description('write every service of an organisation\'s directory as an ORUK 3.0 JSON array of fully nested services')
    .requiredOption('--org <slug>', 'the organisation whose directory to export')
    .requiredOption('--out <file>', 'where to write the JSON ("-" for standard output)')
    .option('--published-only', 'leave out unpublished services')
    .addHelpText('after', '\nThe file imports back with: linkwork import oruk FILE --org SLUG\n')
    .action(async (options: { org: string; out: string; publishedOnly?: boolean }) => {
      await withServices(async (services) => {
        const organisation = await organisationFor(services, options.org);
        const toStdout = options.out === '-';
        const out: WriteStream | null = toStdout ? null : createWriteStream(options.out);
        const opened = out ? new Promise<void>((resolve, reject) => out.once('open', () => resolve()).once('error', reject)) : Promise.resolve();
        try {
          await opened;
        } catch (error) {
          throw new CliError(`cannot write ${options.out}: ${(error as Error).message}`, 'out');
        }
        const write = out ? (text: string) => writeTo(out, text) : (text: string) => (interruption.requested ? Promise.reject(new Interrupted()) : writeStdout(text));
        const { services: count } = await exportOruk(
          services.db,
          { organisationId: organisation.id, userId: null },
          async (text) => {
            if (interruption.requested) throw new Interrupted();
            await write(text);
          },
          { publishedOnly: Boolean(options.publishedOnly) },
        );
        if (out) {
          await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
          await print(`Exported ${count} service${count === 1 ? '' : 's'} from ${describeOrganisation(organisation)} to ${path.resolve(options.out)} (ORUK 3.0).`);
        }
      });
    });
}

/**
 * Progress on standard error: a bar (cli-progress) on a terminal; otherwise a plain line every
 * ten seconds, so logs of long runs show it is alive without filling up.
 */
function progressReporter(unit: string) {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({
      stream: process.stderr,
      format: `{bar} {percentage}% | {eta_formatted} left | {status}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    });
    let started = false;
    return {
      update(done: number, total: number, status: string) {
        if (!started) {
          bar.start(Math.max(total, 1), 0, { status });
          started = true;
        }
        bar.update(Math.min(done, Math.max(total, 1)), { status });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = Date.now();
  return {
    update(done: number, total: number, status: string) {
      if (Date.now() - last < 10_000) return;
      last = Date.now();
      const percent = total > 0 ? Math.floor((done / total) * 100) : 0;
      process.stderr.write(`Importing ${unit}: ${percent}% of the input, ${status}\n`);
    },
    stop() {},
  };
}

export function summaryLines(summary: ImportSummary, organisation: string): string[] {
  const formats = [...new Set(summary.files.map((f) => (f.format ? FORMAT_LABELS[f.format] : 'no services')))].join(' and ');
  const source = summary.files.length === 1 ? summary.files[0]!.file : `${summary.files.length} files`;
  const rate = summary.seconds > 0 ? Math.round(summary.read / summary.seconds) : summary.read;
  const lines = [
    `${summary.interrupted ? 'Stopped importing' : 'Imported'} ${source} (${formats}) into ${organisation}: ${summary.read} service${summary.read === 1 ? '' : 's'} read in ${summary.seconds.toFixed(1)} s (${rate} a second).`,
    `  created     ${summary.created}`,
    `  updated     ${summary.updated}`,
    `  unchanged   ${summary.unchanged}`,
    `  rejected    ${summary.rejected}`,
  ];
  const table = (map: Map<string, number>) => {
    const entries = [...map].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const width = Math.max(...entries.map(([key]) => key.length));
    return entries.map(([key, count]) => `  ${key.padEnd(width)}  ${count}`);
  };
  if (summary.ignored.size) {
    lines.push('Ignored fields (Linkwork has nowhere to keep them), with how many services had a value:', ...table(summary.ignored));
  }
  if (summary.adjusted.size) lines.push('Adjusted values, with how many services:', ...table(summary.adjusted));
  if (summary.rejected) {
    lines.push('Rejected services:');
    for (const r of summary.rejections) {
      lines.push(`  ${summary.files.length > 1 ? `${path.basename(r.file)} ` : ''}${r.position}${r.sourceId ? ` (id ${r.sourceId})` : ''}: ${r.reason}`);
    }
    if (summary.rejected > summary.rejections.length) lines.push(`  ... and ${summary.rejected - MAX_REJECTIONS_LISTED} more`);
  }
  return lines;
}
