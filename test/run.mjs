#!/usr/bin/env node
// `npm test`: type-check, then every Vitest project this machine can run. What cannot run is said
// loudly with how to install it; with CI=true a missing browser or database fails the run instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ci = process.env.CI === 'true' || process.env.CI === '1';
const postgresUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;

const projects = ['unit', 'pglite'];
const skipped = [];
if (postgresUrl) projects.push('postgresql');
else skipped.push('PostgreSQL integration tests: set TEST_DATABASE_URL=postgres://... (see README, "Running the tests on PostgreSQL"), or run `bash .ci/run` to do it all');
if (existsSync(CHROMIUM)) projects.push('e2e');
else skipped.push(`Browser tests: no Chromium at ${CHROMIUM}. Install it with \`sudo apt-get install -y chromium\` (or set CHROMIUM_PATH)`);

const banner = (lines) => console.log(['', '='.repeat(78), ...lines, '='.repeat(78), ''].join('\n'));

if (skipped.length && ci) {
  banner(['CI=true and some tests cannot run; this is a failure, not a skip:', ...skipped.map((s) => `  - ${s}`)]);
  process.exit(1);
}

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: process.env }).status ?? 1;

console.log('Type-checking (tsc --noEmit)...');
if (run('npx', ['tsc', '--noEmit']) !== 0) process.exit(1);

banner([`Running test projects: ${projects.join(', ')}`, ...(skipped.length ? ['SKIPPED on this machine:', ...skipped.map((s) => `  - ${s}`)] : [])]);
const status = run('npx', ['vitest', 'run', ...projects.flatMap((p) => ['--project', p]), ...process.argv.slice(2)]);
banner([
  `Backends covered: ${projects.filter((p) => p === 'pglite' || p === 'postgresql').join(' and ')}${projects.includes('e2e') ? '; browser tests in Chromium' : ''}`,
  ...(skipped.length ? ['NOT RUN on this machine:', ...skipped.map((s) => `  - ${s}`)] : []),
]);
process.exit(status);
