import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../../test/support/db.js';
import { buildOrganisation } from '../../../../test/support/factories.js';
import { systemContext } from '../../../platform/context.js';
import { importOruk } from './importer.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** A real council's ORUK v1 feed (see test/fixtures/README.md). */
const NORTH_LINCS = path.join(ROOT, 'test/fixtures/oruk-v1-north-lincolnshire-services.json');
const RICH = path.join(ROOT, 'test/fixtures/oruk3-rich-services.json');

const dir = mkdtempSync(path.join(tmpdir(), 'linkwork-oruk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SLOW = 120_000;

async function directory() {
  const organisation = await buildOrganisation({ name: 'Directory curators', type: 'sp-service' });
  return { organisation, ctx: systemContext(organisation.id) };
}

describe('importing the real North Lincolnshire ORUK v1 feed', () => {
  it(
    'accounts for all 738 services, stores plain-text descriptions, and a second import changes nothing',
    async () => {
      const db = await testDatabase();
      const { organisation, ctx } = await directory();
      const first = await importOruk(db, ctx, { paths: [NORTH_LINCS] });
      expect(first.files).toMatchObject([{ format: 'oruk1', layout: 'json', read: 738, problem: null }]);
      expect(first.read).toBe(738);
      expect(first.created + first.rejected).toBe(738);
      expect(first.updated + first.unchanged).toBe(0);
      for (const rejection of first.rejections) expect(rejection.reason).not.toBe('');
      // Nothing is dropped without saying so: the vendor field with nowhere to go is counted.
      expect(first.ignored.get('pc_metadata.date_created')).toBe(first.created);

      const stored = await db.inScope({ organisationId: organisation.id, userId: null }, (tx) =>
        tx.selectFrom('directoryService').select(['name', 'description', 'lastVerified', 'assuredDate', 'published']).where('organisationId', '=', organisation.id).execute(),
      );
      expect(stored).toHaveLength(first.created);
      const withMarkup = stored.filter((s) => /<\/?[a-z][a-z0-9]*[\s/>]|&nbsp;|&amp;|&#\d+;|\u00a0/i.test(s.description ?? ''));
      expect(withMarkup.map((s) => s.name)).toEqual([]);
      expect(stored.every((s) => s.published)).toBe(true);
      expect(stored.filter((s) => s.lastVerified === null)).toHaveLength(0);
      expect(stored.every((s) => s.lastVerified === s.assuredDate)).toBe(true);
      const paragraphs = stored.find((s) => s.name === '"We are with You" WAWY');
      expect(paragraphs?.description).toMatch(/^Struggling with Drug & Alcohol Addiction\?.*\n\nWe Are With You are now offering/s);

      const second = await importOruk(db, ctx, { paths: [NORTH_LINCS] });
      expect({ created: second.created, updated: second.updated, unchanged: second.unchanged, rejected: second.rejected }).toEqual({
        created: 0,
        updated: 0,
        unchanged: first.created,
        rejected: first.rejected,
      });

      // The run is recorded, and audited with counts only.
      const imports = await db.inScope({ organisationId: organisation.id, userId: null }, (tx) =>
        tx.selectFrom('directoryImport').selectAll().where('organisationId', '=', organisation.id).orderBy('startedAt').execute(),
      );
      expect(imports.map((i) => [i.format, i.created, i.updated, i.unchanged, i.rejected])).toEqual([
        ['oruk1', first.created, 0, 0, first.rejected],
        ['oruk1', 0, 0, first.created, first.rejected],
      ]);
      expect(imports.every((i) => i.finishedAt !== null)).toBe(true);
      const audit = await db.inScope({ organisationId: organisation.id, userId: null }, (tx) =>
        tx.selectFrom('auditEvent').select(['action', 'subjectId', 'detail']).where('organisationId', '=', organisation.id).where('action', '=', 'directory.imported').execute(),
      );
      expect(audit).toHaveLength(2);
      expect(audit.map((a) => a.subjectId).sort()).toEqual(imports.map((i) => i.id).sort());
      const detail = typeof audit[0]!.detail === 'string' ? JSON.parse(audit[0]!.detail) : audit[0]!.detail;
      expect(Object.keys(detail).sort()).toEqual(['created', 'rejected', 'unchanged', 'updated']);
    },
    SLOW,
  );
});

describe('importing ORUK files', () => {
  const good = (n: number, extra: Record<string, unknown> = {}) => ({
    id: `svc-${n}`,
    name: `Service ${n}`,
    description: `<p>Service number ${n}</p>`,
    status: 'active',
    organization: { id: 'org-1', name: 'Made-up Org', description: 'Made up' },
    phones: [{ id: `phone-${n}`, number: `0100 000 00${n}` }],
    ...extra,
  });

  it(
    'imports the good records of a file with bad ones among them, and reports each bad one with its id and reason',
    async () => {
      const db = await testDatabase();
      const { organisation, ctx } = await directory();
      const file = path.join(dir, 'mixed.json');
      writeFileSync(
        file,
        JSON.stringify([
          good(1),
          good(2, { name: '   ' }),
          good(3),
          good(4, { status: 'open' }),
          good(5, { minimum_age: 18, maximum_age: 999 }),
          good(6, { minimum_age: 300 }),
          'not a service',
          good(1, { name: 'Service 1 again' }),
        ]),
      );
      const summary = await importOruk(db, ctx, { paths: [file] });
      expect({ read: summary.read, created: summary.created, rejected: summary.rejected }).toEqual({ read: 8, created: 3, rejected: 5 });
      expect(summary.rejections.map((r) => [r.position, r.sourceId, r.reason])).toEqual([
        ['item 2', 'svc-2', 'the service has no name'],
        ['item 4', 'svc-4', 'status "open" is not one of active, inactive, defunct, temporarily closed'],
        ['item 6', 'svc-6', 'minimum_age 300 is more than 130'],
        ['item 7', null, 'not a service (a JSON object)'],
        ['item 8', 'svc-1', 'the id svc-1 was already imported from mixed.json item 1'],
      ]);
      const names = await db.inScope({ organisationId: organisation.id, userId: null }, (tx) =>
        tx.selectFrom('directoryService').select(['name', 'minimumAge', 'maximumAge']).where('organisationId', '=', organisation.id).orderBy('name').execute(),
      );
      expect(names).toEqual([
        { name: 'Service 1', minimumAge: null, maximumAge: null },
        { name: 'Service 3', minimumAge: null, maximumAge: null },
        { name: 'Service 5', minimumAge: 18, maximumAge: null },
      ]);
    },
    SLOW,
  );

  it(
    'never half-writes a service: one the database refuses leaves nothing behind, and the run goes on',
    async () => {
      const db = await testDatabase();
      const { organisation, ctx } = await directory();
      const file = path.join(dir, 'refused.json');
      // The phone id is shared with the first service: the database refuses the second service's phone,
      // after its organization and service rows were written in the same transaction.
      writeFileSync(
        file,
        JSON.stringify([
          good(1),
          good(2, { organization: { id: 'org-2', name: 'Second Org' }, phones: [{ id: 'phone-1', number: '0100' }] }),
          good(3),
        ]),
      );
      const summary = await importOruk(db, ctx, { paths: [file] });
      expect({ created: summary.created, rejected: summary.rejected }).toEqual({ created: 2, rejected: 1 });
      expect(summary.rejections[0]).toMatchObject({ sourceId: 'svc-2', reason: expect.stringMatching(/^the database refused it: /) });
      const rows = await db.inScope({ organisationId: organisation.id, userId: null }, async (tx) => ({
        services: await tx.selectFrom('directoryService').select('name').where('organisationId', '=', organisation.id).orderBy('name').execute(),
        organizations: await tx.selectFrom('directoryOrganization').select('name').where('organisationId', '=', organisation.id).execute(),
      }));
      expect(rows.services.map((s) => s.name)).toEqual(['Service 1', 'Service 3']);
      expect(rows.organizations.map((o) => o.name)).toEqual(['Made-up Org']);
    },
    SLOW,
  );

  it(
    'reads ndjson (a bad line is reported, the rest imported), page envelopes, single services and folders',
    async () => {
      const db = await testDatabase();
      const { organisation, ctx } = await directory();
      const rich = JSON.parse(readFileSync(RICH, 'utf8')) as { contents: Record<string, unknown>[] };
      const folder = mkdtempSync(path.join(dir, 'folder-'));
      writeFileSync(path.join(folder, 'a.ndjson'), [JSON.stringify(rich.contents[0]), '{"id": broken', JSON.stringify(rich.contents[1])].join('\n') + '\n');
      writeFileSync(path.join(folder, 'b.json'), JSON.stringify(rich.contents[2], null, 2));
      writeFileSync(path.join(folder, 'c.json'), JSON.stringify({ totalElements: 1, content: [{ id: 'v1-1', name: 'A v1 service', organization: { id: 'o', name: 'V1 Org' }, deliverable_type: 'Advice' }] }));
      writeFileSync(path.join(folder, 'notes.txt'), 'not read');
      const summary = await importOruk(db, ctx, { paths: [folder], published: false });
      expect(summary.files.map((f) => [path.basename(f.file), f.layout, f.format, f.read])).toEqual([
        ['a.ndjson', 'ndjson', 'oruk3', 3],
        ['b.json', 'json', 'oruk3', 1],
        ['c.json', 'json', 'oruk1', 1],
      ]);
      expect({ created: summary.created, rejected: summary.rejected }).toEqual({ created: 4, rejected: 1 });
      expect(summary.rejections[0]).toMatchObject({ position: 'line 2', reason: expect.stringMatching(/^not valid JSON/) });
      expect(summary.ignored.get('wait_time')).toBe(1);
      expect(summary.ignored.get('service_at_locations[].location.transportation')).toBe(2);

      const services = await db.inScope({ organisationId: organisation.id, userId: null }, (tx) =>
        tx.selectFrom('directoryService').select(['name', 'published']).where('organisationId', '=', organisation.id).orderBy('name').execute(),
      );
      expect(services).toEqual([
        { name: 'A v1 service', published: false },
        { name: 'Harbour Money Advice', published: false },
        { name: 'Riverside Walking Group', published: false },
        { name: 'Riverside Wellbeing Café', published: false },
      ]);
      // Unpublished services are the curator's alone.
      const other = await buildOrganisation();
      const seen = await db.inScope({ organisationId: other.id, userId: null }, (tx) =>
        tx.selectFrom('directoryService').select('id').where('organisationId', '=', organisation.id).execute(),
      );
      expect(seen).toEqual([]);
    },
    SLOW,
  );

  it(
    'updates a changed service in place: its details replaced, its id and publication kept, the rest unchanged',
    async () => {
      const db = await testDatabase();
      const { organisation, ctx } = await directory();
      const rich = JSON.parse(readFileSync(RICH, 'utf8')) as { contents: Record<string, any>[] };
      const file = path.join(dir, 'update.json');
      writeFileSync(file, JSON.stringify(rich));
      const first = await importOruk(db, ctx, { paths: [file], published: false });
      expect(first.created).toBe(3);
      const scope = { organisationId: organisation.id, userId: null };
      const cafeRow = () =>
        db.inScope(scope, (tx) =>
          tx.selectFrom('directoryService').select(['id', 'published']).where('organisationId', '=', organisation.id).where('sourceId', '=', rich.contents[0]!.id).executeTakeFirstOrThrow(),
        );
      const before = await cafeRow();

      const cafe = rich.contents[0]!;
      cafe.description = 'Now on Thursdays too.';
      cafe.phones = [];
      cafe.service_at_locations = cafe.service_at_locations.slice(1); // leaves the hall (the walking group still uses it)
      cafe.attributes = cafe.attributes.slice(0, 1);
      // Two services changed in one batch: each update lands on its own row.
      rich.contents[2]!.description = 'Now by phone too.';
      writeFileSync(file, JSON.stringify(rich));
      const second = await importOruk(db, ctx, { paths: [file] });
      expect({ created: second.created, updated: second.updated, unchanged: second.unchanged }).toEqual({ created: 0, updated: 2, unchanged: 1 });
      const descriptions = await db.inScope(scope, (tx) =>
        tx.selectFrom('directoryService').select(['name', 'description']).where('organisationId', '=', organisation.id).orderBy('name').execute(),
      );
      expect(descriptions.map((d) => [d.name, d.description])).toEqual([
        ['Harbour Money Advice', 'Now by phone too.'],
        ['Riverside Walking Group', expect.not.stringMatching(/^Now/)],
        ['Riverside Wellbeing Café', 'Now on Thursdays too.'],
      ]);

      // Service ids are unique across directories: when another test's directory already holds the
      // fixture's, this one has its own, found by the source id. An update keeps it, and keeps the
      // service unpublished although this import would publish new services.
      const after = await cafeRow();
      expect(after).toEqual({ id: before.id, published: false });
      const cafeId = after.id;
      const counts = await db.inScope(scope, async (tx) => {
        const count = async (table: 'directoryPhone' | 'directoryServiceAtLocation' | 'directoryLocation' | 'directoryAttribute', column: 'serviceId' | 'linkId' | null) => {
          let q = tx.selectFrom(table as 'directoryPhone').select(sql<number>`count(*)::int`.as('n')).where('organisationId', '=', organisation.id);
          if (column) q = q.where(column as 'serviceId', '=', cafeId);
          return (await q.executeTakeFirstOrThrow()).n;
        };
        return {
          description: (await tx.selectFrom('directoryService').select('description').where('id', '=', cafeId).executeTakeFirstOrThrow()).description,
          servicePhones: await tx.selectFrom('directoryPhone').select('id').where('organisationId', '=', organisation.id).where('serviceId', '=', cafeId).where('locationId', 'is', null).where('contactId', 'is', null).execute(),
          sals: await count('directoryServiceAtLocation', 'serviceId'),
          locations: await count('directoryLocation', null),
          serviceAttributes: await count('directoryAttribute', 'linkId'),
        };
      });
      expect(counts).toEqual({ description: 'Now on Thursdays too.', servicePhones: [], sals: 1, locations: 2, serviceAttributes: 1 });

      // The walking group stops using the hall too: nothing uses it, so it goes.
      rich.contents[1]!.service_at_locations = [];
      writeFileSync(file, JSON.stringify(rich));
      expect((await importOruk(db, ctx, { paths: [file] })).updated).toBe(1);
      const locations = await db.inScope(scope, (tx) => tx.selectFrom('directoryLocation').select('name').where('organisationId', '=', organisation.id).execute());
      expect(locations.map((l) => l.name)).toEqual(['Online sessions']);
    },
    SLOW,
  );
});
