import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../../platform/context.js';
import { openDatabase } from '../../../platform/db/database.js';
import { createServices } from '../../../services.js';
import { linkwork } from '../../../../test/support/cli.js';

/** `linkwork directory remind` as people run it, on its own embedded database (PGlite only). */
describe.skipIf(process.env.LINKWORK_TEST_BACKEND === 'postgresql')('linkwork directory remind', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'linkwork-remind-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('queues the reminders that are due, once, and says so', { timeout: 180_000 }, async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir });
    try {
      await db.migrate();
      const services = createServices(db, { sessionSecret: 'x'.repeat(40), sessionIdleMinutes: 30, sessionAbsoluteHours: 12 });
      const cli = { userId: null, label: 'test', platformAdmin: true };
      const curator = await services.organisations.add(cli, null, { slug: 'riverside-pcn', name: 'Riverside PCN', type: 'sp-service' });
      const provider = await services.organisations.add(cli, null, { slug: 'riverside-trust', name: 'Riverside Trust', type: 'vcse' });
      await services.users.add(systemContext(provider.id), { email: 'coordinator@riverside.example.org', name: 'Coordinator', role: 'provider', password: 'a-long-and-unguessable-passphrase' }, { allowExistingAccount: false });
      await db.inScope({ organisationId: curator.id, userId: null }, async (tx) => {
        const orgId = randomUUID();
        await tx.insertInto('directoryOrganization').values({ organisationId: curator.id, id: orgId, name: 'Riverside Trust', alternateName: null, description: null, email: null, website: null, logo: null, uri: null, sourceId: null, importId: null }).execute();
        await tx
          .insertInto('directoryService')
          .values({
            organisationId: curator.id, id: randomUUID(), directoryOrganizationId: orgId, name: 'Walking group', alternateName: null, description: null, url: null, email: null,
            status: 'active', interpretationServices: null, applicationProcess: null, feesDescription: null, accreditations: null, eligibilityDescription: null,
            minimumAge: null, maximumAge: null, alert: null, assuredDate: null, assurerEmail: null, lastModified: new Date(), lastVerified: null,
            providerOrganisationId: provider.id, sourceId: null, sourceHash: null, importId: null,
          })
          .execute();
      });
    } finally {
      await db.close();
    }

    const first = await linkwork(dataDir, ['directory', 'remind', '--date', '2030-06-15']);
    expect(first.stderr).toBe('');
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout.trim()).toBe("Queued 1 reminder email to 1 provider organisation about 1 service. They wait in each directory's outbox until sent.");
    const again = await linkwork(dataDir, ['directory', 'remind', '--date', '2030-06-15']);
    expect(again.stdout.trim()).toBe('No reminders were due on 2030-06-15.');
    const wrong = await linkwork(dataDir, ['directory', 'remind', '--date', 'tomorrow']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe('linkwork: date: "tomorrow" is not a date: use the form YYYY-MM-DD\n');
  });
});
