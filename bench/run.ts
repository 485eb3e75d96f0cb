// `npm run bench`: every benchmark in turn, each printing its own floor and ratio.
import { spawnSync } from 'node:child_process';

for (const file of ['bench/startup.ts', 'bench/api-auth.ts', 'bench/referral-intake.ts', 'bench/directory-search.ts', 'bench/directory-import.ts', 'bench/caseload.ts', 'bench/reports.ts']) {
  const status = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit', env: process.env }).status;
  if (status !== 0) process.exit(status ?? 1);
}
