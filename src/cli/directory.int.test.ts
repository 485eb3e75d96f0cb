import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { linkwork } from '../../test/support/cli.js';

/**
 * `linkwork import oruk|postcodes` and `linkwork export oruk` as people run them, in child processes
 * on an embedded database (as src/cli/cli.int.test.ts does; PostgreSQL runs the same code through the
 * service tests). The tests share one data directory and run in order.
 */
const RICH = fileURLToPath(new URL('../../test/fixtures/oruk3-rich-services.json', import.meta.url));
const SLOW = 180_000;

describe.skipIf(process.env.LINKWORK_TEST_BACKEND === 'postgresql')('linkwork import and export (directory)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'linkwork-cli-directory-'));
  const work = mkdtempSync(path.join(tmpdir(), 'linkwork-cli-files-'));
  const run = (...args: string[]) => linkwork(dataDir, args);
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it(
    'imports an ORUK file into an organisation\'s directory with a summary, and a second time changes nothing',
    async () => {
      for (const slug of ['riverside-directory', 'copy-directory']) {
        const added = await run('orgs', 'add', '--slug', slug, '--name', `Directory ${slug}`, '--type', 'sp-service');
        expect(added.code).toBe(0);
      }
      const first = await run('import', 'oruk', RICH, '--org', 'riverside-directory');
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      const lines = first.stdout.split('\n');
      expect(lines[0]).toMatch(/^Imported .*oruk3-rich-services\.json \(ORUK 3\.0\) into Directory riverside-directory \(riverside-directory\): 3 services read in [\d.]+ s/);
      expect(lines.slice(1, 5)).toEqual(['  created     3', '  updated     0', '  unchanged   0', '  rejected    0']);
      expect(first.stdout).toContain('Ignored fields (Linkwork has nowhere to keep them), with how many services had a value:');
      expect(first.stdout).toMatch(/ {2}service_at_locations\[\]\.location\.transportation +2\n/);
      expect(first.stdout).toMatch(/ {2}wait_time +1\n/);

      const second = await run('import', 'oruk', RICH, '--org', 'riverside-directory');
      expect(second.code).toBe(0);
      expect(second.stdout.split('\n').slice(1, 5)).toEqual(['  created     0', '  updated     0', '  unchanged   3', '  rejected    0']);
    },
    SLOW,
  );

  it(
    'lists each rejected record with its id and reason, and still imports the rest',
    async () => {
      const file = path.join(work, 'some-bad.ndjson');
      writeFileSync(
        file,
        [
          { id: 'ok-1', name: 'Good service', organization: { id: 'o', name: 'Org' } },
          { id: 'bad-1', name: '', organization: { id: 'o', name: 'Org' } },
          { id: 'ok-2', name: 'Another good one', organization: { id: 'o', name: 'Org' } },
        ]
          .map((r) => JSON.stringify(r))
          .join('\n'),
      );
      const result = await run('import', 'oruk', file, '--org', 'riverside-directory', '--unpublished');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('  created     2\n');
      expect(result.stdout).toContain('  rejected    1\n');
      expect(result.stdout).toContain('Rejected services:\n  line 2 (id bad-1): the service has no name\n');
    },
    SLOW,
  );

  it(
    'exports the directory as ORUK 3.0 JSON that imports into another organisation',
    async () => {
      const out = path.join(work, 'export.json');
      const exported = await run('export', 'oruk', '--org', 'riverside-directory', '--out', out);
      expect(exported.stderr).toBe('');
      expect(exported.code).toBe(0);
      expect(exported.stdout).toBe(`Exported 5 services from Directory riverside-directory (riverside-directory) to ${out} (ORUK 3.0).\n`);
      const services = JSON.parse(readFileSync(out, 'utf8')) as { name: string; organization: { name: string } }[];
      expect(services.map((s) => s.name).sort()).toEqual(['Another good one', 'Good service', 'Harbour Money Advice', 'Riverside Walking Group', 'Riverside Wellbeing Café']);

      const copied = await run('import', 'oruk', out, '--org', 'copy-directory');
      expect(copied.code).toBe(0);
      expect(copied.stdout.split('\n').slice(1, 5)).toEqual(['  created     5', '  updated     0', '  unchanged   0', '  rejected    0']);
      expect(copied.stdout).not.toContain('Ignored fields');

      const published = await run('export', 'oruk', '--org', 'riverside-directory', '--out', '-', '--published-only');
      expect(published.code).toBe(0);
      expect((JSON.parse(published.stdout) as unknown[]).length).toBe(3);
    },
    SLOW,
  );

  it(
    'loads unit postcodes from an ONS CSV file and says what it skipped',
    async () => {
      const file = path.join(work, 'nspl.csv');
      writeFileSync(
        file,
        ['pcd,pcds,doterm,lat,long', 'ZE2 9AA,ZE2 9AA,,60.3,-1.2', 'ZE2 9AB,ZE2 9AB,202001,60.3,-1.2', 'ZE2 9AD,ZE2 9AD,,99.999999,0.000000'].join('\n') + '\n',
      );
      const result = await run('import', 'postcodes', file);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        [
          `Loaded 1 unit postcodes from ${file} (columns pcds, lat, long, doterm).`,
          '  rows read                 3',
          '  loaded                    1',
          '  skipped, terminated       1',
          '  skipped, no coordinates   1',
          '  skipped, not a postcode   0',
          '',
        ].join('\n'),
      );
    },
    SLOW,
  );

  it(
    'says plainly what is wrong: an unknown organisation, a missing file, a file that is not JSON',
    async () => {
      const unknown = await run('import', 'oruk', RICH, '--org', 'nobody');
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^linkwork: org: .*nobody/);

      const missing = await run('import', 'oruk', path.join(work, 'nope.json'), '--org', 'riverside-directory');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe(`linkwork: file-or-dir: ${path.join(work, 'nope.json')} does not exist\n`);

      const broken = path.join(work, 'broken.json');
      writeFileSync(broken, '[{"id": "x1", "name": "Fine", "organization": {"id": "o", "name": "Org"}}, {"id": ');
      const result = await run('import', 'oruk', broken, '--org', 'riverside-directory');
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('  unchanged   0\n');
      expect(result.stdout).toContain('  created     1\n');
      expect(result.stderr).toMatch(/^linkwork: file-or-dir: .*broken\.json was read only up to the problem: the file ends in the middle of item 2: it may have been cut short$/m);

      const noPostcodes = await run('import', 'postcodes', path.join(work, 'nope.csv'));
      expect(noPostcodes.code).toBe(1);
      expect(noPostcodes.stderr).toBe(`linkwork: file: ${path.join(work, 'nope.csv')} does not exist\n`);
    },
    SLOW,
  );
});
