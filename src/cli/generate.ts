import { randomBytes } from 'node:crypto';
import { InvalidArgumentError, type Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { DEFAULT_YEAR_END, GenerateRefused, generateNational, summaryLines } from '../features/synthetic/generate.js';
import { CliError, interruption, Interrupted, print, withDatabase } from './support.js';

const whole = (name: string, min: number) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`${name} must be a whole number of at least ${min}`);
  return Number(value);
};

/** `linkwork generate`: fills a database with a synthetic national year (src/features/synthetic). */
export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('fill a fresh database with a synthetic national year of social prescribing (clearly made-up data, for demos, tests and benchmarks)')
    .option('--referrals <n>', 'referrals received in the year', whole('--referrals', 0), 1_000_000)
    .option('--services <n>', 'community directory services, shared among the PCN services', whole('--services', 0), 100_000)
    .option('--seed <n>', 'the same seed writes the same data', whole('--seed', 0), 42)
    .option('--pcns <n>', 'PCN social prescribing services (default: one per 800 referrals, at most 1,250)', whole('--pcns', 2))
    .option('--icbs <n>', 'integrated care boards (default: one per 30 PCNs, at most 42)', whole('--icbs', 1))
    .option('--year-end <date>', 'the day after the year\'s last day, YYYY-MM-DD', DEFAULT_YEAR_END)
    .option('--database-url <url>', 'PostgreSQL to write to (default: DATABASE_URL, or the embedded database in DATA_DIR)')
    .option('--append', 'add to a database that already holds other (non-demo) organisations')
    .addHelpText(
      'after',
      `
Writes, through the app role and each organisation's row-level security context: ICB and local
authority commissioners, PCN social prescribing services with link workers and team leads, GP
practices and other referrers with their staff, voluntary sector providers; people (made-up names,
NHS numbers from the 999 test range, postcodes from the shipped sectors near their PCN), a year of
referrals with their history, receipts and cases, unmet needs, and the community directory.

Refuses a database holding anything but the demo organisations unless --append; never writes the same
seed twice. Commissioner users can sign in with LINKWORK_GENERATE_PASSWORD if set, otherwise with a
password printed once at the end. The summary is the same for the same seed and options.

Example:
  linkwork generate --referrals 100000 --services 10000 --seed 7
`,
    )
    .action(async (options: { referrals: number; services: number; seed: number; pcns?: number; icbs?: number; yearEnd: string; databaseUrl?: string; append?: boolean }) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(options.yearEnd) || Number.isNaN(Date.parse(`${options.yearEnd}T00:00:00Z`))) {
        throw new CliError('must be a date, like 2026-04-01', 'year-end');
      }
      if (options.databaseUrl) {
        process.env.DATABASE_URL = options.databaseUrl;
        // The configuration asks PostgreSQL set-ups for a session secret; generating signs nobody in.
        process.env.SESSION_SECRET ||= randomBytes(32).toString('base64url');
      }
      const given = process.env.LINKWORK_GENERATE_PASSWORD;
      const password = given || randomBytes(12).toString('base64url');
      await withDatabase(async (db) => {
        const applied = await db.migrate();
        if (applied.length) process.stderr.write(`linkwork: applied ${applied.length} database migration${applied.length === 1 ? '' : 's'}\n`);
        const progress = progressBar();
        const started = performance.now();
        let summary;
        try {
          summary = await generateNational(db, {
            ...options,
            commissionerPassword: password,
            signal: interruption,
            onProgress: (done, total, referrals) => progress.update(done, total, `${done} of ${total} PCN services, ${referrals} referrals`),
          });
        } catch (error) {
          if (error instanceof GenerateRefused) throw new CliError(error.message);
          throw error;
        } finally {
          progress.stop();
        }
        await print(...summaryLines(summary), '', 'Commissioner sign-ins (one per commissioning organisation):', ...summary.commissioners.map((c) => `  ${c.email.padEnd(48)} ${c.organisation}`));
        await print(given ? 'Password: the one in LINKWORK_GENERATE_PASSWORD.' : `Password (shown only now): ${password}`);
        process.stderr.write(`linkwork: generated in ${((performance.now() - started) / 1000).toFixed(1)} s, peak memory ${Math.round(process.resourceUsage().maxRSS / 1024)} MB\n`);
        if (summary.interrupted) throw new Interrupted();
      });
    });
}

function progressBar() {
  if (process.stderr.isTTY) {
    const bar = new SingleBar({ stream: process.stderr, format: '{bar} {percentage}% | {eta_formatted} left | {status}', hideCursor: true, clearOnComplete: true, etaBuffer: 50 });
    let started = false;
    return {
      update(done: number, total: number, status: string) {
        if (!started) bar.start(total, 0, { status });
        started = true;
        bar.update(done, { status });
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = Date.now();
  return {
    update(done: number, total: number, status: string) {
      if (Date.now() - last < 10_000 && done < total) return;
      last = Date.now();
      process.stderr.write(`Generating: ${Math.floor((done / total) * 100)}%, ${status}\n`);
    },
    stop: () => undefined,
  };
}
