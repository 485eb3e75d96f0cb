import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkwork } from '../../test/support/cli.js';

/**
 * `linkwork generate` as people run it, in a child process on an embedded database (the generator
 * itself is tested on both databases in src/features/synthetic).
 */
const SLOW = 240_000;

describe.skipIf(process.env.LINKWORK_TEST_BACKEND === 'postgresql')('linkwork generate', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'linkwork-cli-generate-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(
    'fills a fresh database, prints the summary and the commissioners\' sign-ins, and will not write the same seed again',
    async () => {
      const args = ['generate', '--referrals', '300', '--services', '20', '--seed', '5'];
      const first = await linkwork(dataDir, args, undefined, { LINKWORK_GENERATE_PASSWORD: 'a-password-for-the-test' });
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^Synthetic national year, seed 5: 2025-04-01 to 2026-03-31\n/);
      expect(first.stdout).toMatch(/\n {2}referral +\d+\n/);
      expect(first.stdout).toMatch(/\n {2}commissioner@s5-icb-01\.example +NHS .* Integrated Care Board \(synthetic\)\n/);
      expect(first.stdout).toContain('Password: the one in LINKWORK_GENERATE_PASSWORD.');
      expect(first.stderr).toMatch(/generated in [\d.]+ s, peak memory \d+ MB/);

      const again = await linkwork(dataDir, [...args, '--append']);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('linkwork: This database already holds the national year for seed 5');

      const other = await linkwork(dataDir, ['generate', '--referrals', '10', '--services', '0', '--seed', '6']);
      expect(other.code).toBe(1);
      expect(other.stderr).toContain('are not demo data');
      const bad = await linkwork(dataDir, ['generate', '--referrals', 'lots']);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('--referrals must be a whole number of at least 0');
    },
    SLOW,
  );
});
