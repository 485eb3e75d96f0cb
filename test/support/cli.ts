import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs `node bin/linkwork.js ...` in a child process on an embedded database in `dataDir`, as
 * people run it. The environment is the test run's minus anything that would point the CLI at
 * another database or change how it starts.
 */
const BIN = fileURLToPath(new URL('../../bin/linkwork.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const UNSET = ['DATABASE_URL', 'MIGRATION_DATABASE_URL', 'SESSION_SECRET', 'NODE_OPTIONS', 'LINKWORK_GENERATE_PASSWORD'];

/** `extra` sets variables for this run, including any of those otherwise left out. */
export function cliEnv(dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  for (const name of UNSET) delete env[name];
  return { ...env, ...extra };
}

export function linkwork(dataDir: string, args: string[], input?: string, extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv(dataDir, extra), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}
