import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkwork } from '../../test/support/cli.js';
import { buildTestReferral } from '../../test/support/outcomes.js';
import { londonDay } from '../features/cases/rules.js';
import { quarterOf } from '../features/reports/exports/quarter.js';
import { openDatabase } from '../platform/db/database.js';
import { createServices } from '../services.js';

/** `linkwork export quarterly-return` as people run it, on an embedded database with one accepted referral today. */
describe.skipIf(process.env.LINKWORK_TEST_BACKEND === 'postgresql')('linkwork export quarterly-return', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'linkwork-exports-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes a service’s own return, and a commissioner’s with small numbers suppressed', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir });
    let serviceSlug: string;
    const commissionerSlug = 'test-icb';
    try {
      await db.migrate();
      const services = createServices(db, { sessionSecret: 'x'.repeat(40), sessionIdleMinutes: 30, sessionAbsoluteHours: 12 });
      const world = await buildTestReferral(services);
      serviceSlug = world.service.slug;
      const icb = await services.organisations.add({ userId: null, label: 'test', platformAdmin: true }, null, { slug: commissionerSlug, name: 'Test ICB', type: 'commissioner' });
      await db.inScope({ organisationId: icb.id, userId: null }, (tx) => tx.insertInto('commissioning').values({ commissionerOrganisationId: icb.id, organisationId: world.service.id }).execute());
    } finally {
      await db.close();
    }
    // The referral arrived today, so it is counted in the quarter in progress.
    const quarter = quarterOf(londonDay(new Date())).id;

    const out = path.join(dataDir, 'return.csv');
    const own = await linkwork(dataDir, ['export', 'quarterly-return', '--org', serviceSlug, '--quarter', quarter, '--out', out]);
    expect(own.code).toBe(0);
    expect(own.stderr).toMatch(/^linkwork: wrote \d+ rows for Q\d \d{4}\/\d{2} \([A-Za-z ]+\d{4}\) \(so far\), Service [0-9a-f]+ \(sp-[0-9a-f]+\), to /);
    const lines = readFileSync(out, 'utf8').split('\r\n');
    expect(lines[0]).toBe('quarter,service,group,measure_code,measure,category_code,category,count');
    expect(lines.find((line) => line.includes(',referrals-received,'))).toMatch(/,All referrals,1$/);

    const commissioned = await linkwork(dataDir, ['export', 'quarterly-return', '--org', commissionerSlug, '--quarter', quarter, '--service', serviceSlug]);
    expect(commissioned.code).toBe(0);
    expect(commissioned.stdout.split('\r\n').find((line) => line.includes(',referrals-received,'))).toMatch(/,All referrals,fewer than 5$/);

    const bad = await linkwork(dataDir, ['export', 'quarterly-return', '--org', serviceSlug, '--quarter', '2025-Q9']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('linkwork: quarter: Choose a quarter, written like 2025-Q4');
  }, 180_000);
});
