import { ensurePostcodeCentroids } from '../features/directory/geo/centroids.js';
import { ConfigError, loadConfig, type Config } from '../platform/config.js';
import type { Actor, RequestContext } from '../platform/context.js';
import { DataDirectoryLocked, type Database } from '../platform/db/database.js';
import { openConfiguredDatabase } from '../platform/db/open.js';
import type { Organisation } from '../platform/db/schema.js';
import { DomainError, NotFound, ValidationFailed } from '../platform/errors.js';
import { createServices, type Services } from '../services.js';

/** The CLI acts as a system actor: a platform administrator named "cli" in the audit trail. */
export const CLI_LABEL = 'cli';
export const CLI_ACTOR: Actor = { userId: null, label: CLI_LABEL, platformAdmin: true };

/** A problem with what was typed; `field` names the option, as services name their fields. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(field ? `${field}: ${message}` : message);
    this.name = 'CliError';
  }
}

/** Set by Ctrl-C, SIGTERM or a closed stdout: long commands stop at the next safe point. */
export const interruption = { requested: false };

export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

let stdoutBroken = false;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // `linkwork audit export | head`: the reader went away. Stop writing, close the database, exit.
  stdoutBroken = true;
  interruption.requested = true;
  if (error.code !== 'EPIPE') process.stderr.write(`linkwork: cannot write the output: ${error.message}\n`);
});

/** Writes to stdout, waiting when the reader is slower than the database. */
export async function write(text: string): Promise<void> {
  if (stdoutBroken) throw new Interrupted();
  if (process.stdout.write(text)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      process.stdout.off('drain', done);
      process.stdout.off('error', done);
      resolve();
    };
    process.stdout.once('drain', done);
    process.stdout.once('error', done);
  });
}

export function print(...lines: string[]): Promise<void> {
  return write(lines.map((line) => line + '\n').join(''));
}

/** One line per problem, each starting "linkwork: ", on stderr. Never a stack unless LOG_LEVEL=debug. */
export function problemLines(error: unknown): string[] {
  if (error instanceof ValidationFailed) return error.errors.map((e) => `${e.field}: ${e.message}`);
  if (error instanceof Interrupted) return ['stopped before finishing'];
  if (error instanceof DomainError || error instanceof CliError || error instanceof ConfigError || error instanceof DataDirectoryLocked) {
    return [error.message];
  }
  if (error instanceof AggregateError && error.errors.length > 0) {
    // e.g. pg's ECONNREFUSED on every address of localhost, where the outer message is empty
    return [...new Set(error.errors.map((inner) => (inner as Error).message || String(inner)))];
  }
  if (error instanceof Error) return [error.message || (error as NodeJS.ErrnoException).code || error.name];
  return [String(error)];
}

/** Prints the problem and returns the exit code: 1, or 130 after Ctrl-C. */
export function reportProblem(error: unknown): number {
  if (error instanceof Interrupted && stdoutBroken) return 1; // the reader left (`| head`): nothing to say
  const expected =
    error instanceof DomainError ||
    error instanceof CliError ||
    error instanceof ConfigError ||
    error instanceof DataDirectoryLocked ||
    error instanceof Interrupted;
  const lines = problemLines(error).flatMap((line) => line.split('\n'));
  process.stderr.write(lines.map((line) => `linkwork: ${line}\n`).join(''));
  if (!expected) {
    if (process.env.LOG_LEVEL === 'debug') console.error(error);
    else process.stderr.write('linkwork: (set LOG_LEVEL=debug to see the details)\n');
  }
  return error instanceof Interrupted ? 130 : 1;
}

/** Ctrl-C or SIGTERM while the database is open: finish or stop cleanly; a second one forces the exit. */
function onSignal(signal: NodeJS.Signals): void {
  if (interruption.requested) process.exit(130);
  interruption.requested = true;
  process.stderr.write(`linkwork: ${signal}: stopping safely and closing the database (repeat to force)\n`);
}

/**
 * Opens the database the server would use (DATA_DIR, or DATABASE_URL/MIGRATION_DATABASE_URL), runs the
 * work and always closes the database, also on error or Ctrl-C: PGlite must be closed cleanly.
 */
export async function withDatabase<T>(work: (db: Database, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const db = await openConfiguredDatabase(config);
    try {
      if (interruption.requested) throw new Interrupted();
      return await work(db, config);
    } finally {
      await db.close();
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** withDatabase, with pending migrations applied first and the services built. */
export function withServices<T>(work: (services: Services, config: Config) => Promise<T>): Promise<T> {
  return withDatabase(async (db, config) => {
    const applied = await db.migrate();
    if (applied.length > 0) {
      process.stderr.write(`linkwork: applied ${applied.length} database migration${applied.length === 1 ? '' : 's'} (${applied.join(', ')})\n`);
    }
    await ensurePostcodeCentroids(db);
    return work(createServices(db, config), config);
  });
}

export function orgContext(organisation: Organisation): RequestContext {
  return {
    requestId: null,
    actor: CLI_ACTOR,
    organisationId: organisation.id,
    role: 'admin',
  };
}

/** The organisation named by --org; the service's NotFound already says which slug was wrong. */
export async function organisationFor(services: Services, slug: string): Promise<Organisation> {
  try {
    return await services.organisations.bySlug(slug);
  } catch (error) {
    if (error instanceof NotFound) throw new CliError(error.message, 'org');
    throw error;
  }
}

export async function accountFor(services: Services, email: string, hint = '') {
  const user = await services.users.findByEmail(email);
  if (!user) throw new CliError(`There is no account with the email ${email.trim().toLowerCase()}${hint}`, 'email');
  return user;
}

/** The membership of `userId` in `organisation`, or a CLI error that says whose and where. */
export async function memberOf(services: Services, organisation: Organisation, userId: string, email: string) {
  try {
    return await services.users.get(orgContext(organisation), userId);
  } catch (error) {
    if (error instanceof NotFound) throw new CliError(`${email} is not a member of ${organisation.slug}`, 'email');
    throw error;
  }
}

export function describeOrganisation(organisation: Pick<Organisation, 'name' | 'slug'>): string {
  return `${organisation.name} (${organisation.slug})`;
}
