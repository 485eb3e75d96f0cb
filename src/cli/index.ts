import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerAudit } from './audit.js';
import { registerDatabase } from './db.js';
import { registerDirectory } from './directory.js';
import { registerDirectoryUpkeep } from './directory-upkeep.js';
import { registerExports } from './exports.js';
import { registerGenerate } from './generate.js';
import { registerOrgs } from './orgs.js';
import { registerOutcomes } from './outcomes.js';
import { registerServe } from './serve.js';
import { reportProblem } from './support.js';
import { registerTokens } from './tokens.js';
import { registerUsers } from './users.js';

/** `linkwork`: the same services as the web app, acting as the system actor "cli". */
export function buildProgram(): Command {
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const program = new Command('linkwork')
    .description(
      'Linkwork from the command line: set up organisations, users and API tokens, run migrations, export the audit trail.\n' +
        'Uses the same database settings as the server: DATA_DIR (embedded PGlite, default ./data) or DATABASE_URL.',
    )
    .version(version, '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      // Commander says "error: ..."; every CLI problem starts "linkwork: ..." instead.
      outputError: (text, write) => write(text.replace(/^error: /, 'linkwork: ')),
    });
  registerServe(program);
  registerDatabase(program);
  registerOrgs(program);
  registerUsers(program);
  registerTokens(program);
  registerAudit(program);
  registerDirectory(program);
  registerDirectoryUpkeep(program);
  registerOutcomes(program);
  registerExports(program);
  registerGenerate(program);
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.exitCode = reportProblem(error);
  });
