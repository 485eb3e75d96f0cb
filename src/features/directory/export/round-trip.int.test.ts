import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../../test/support/db.js';
import { buildOrganisation } from '../../../../test/support/factories.js';
import { systemContext } from '../../../platform/context.js';
import { importOruk } from '../import/importer.js';
import { exportOruk } from './export.js';

const RICH = fileURLToPath(new URL('../../../../test/fixtures/oruk3-rich-services.json', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'linkwork-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Service = Record<string, any>;

async function exportOf(organisationId: string): Promise<{ text: string; services: Service[] }> {
  let text = '';
  const result = await exportOruk(await testDatabase(), { organisationId, userId: null }, async (chunk) => {
    text += chunk;
  });
  const services = JSON.parse(text) as Service[];
  expect(services).toHaveLength(result.services);
  return { text, services };
}

async function importInto(organisationId: string, file: string) {
  return importOruk(await testDatabase(), systemContext(organisationId), { paths: [file] });
}

/** Every id in a nested document, by the key it sits under (ids of services are per directory). */
function collectIds(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => collectIds(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'id' && typeof inner === 'string') out.add(inner);
      else collectIds(inner, out);
    }
  }
  return out;
}

/** The export with each service's own id (and the references to it) replaced by its name. */
function withoutServiceIds(services: Service[]): Service[] {
  let text = JSON.stringify([...services].sort((a, b) => a.name.localeCompare(b.name)));
  for (const s of services) text = text.split(s.id).join(`<service ${s.name}>`);
  return JSON.parse(text) as Service[];
}

describe('ORUK 3.0 export', () => {
  it('exports everything the rich fixture holds, fully nested', async () => {
    const a = await buildOrganisation({ name: 'Directory A' });
    const imported = await importInto(a.id, RICH);
    expect({ created: imported.created, rejected: imported.rejected }).toEqual({ created: 3, rejected: 0 });
    const { services } = await exportOf(a.id);

    // Every id of the fixture survives, except the service ids when another test's directory holds them.
    const fixture = JSON.parse(readFileSync(RICH, 'utf8')) as { contents: Service[] };
    const fixtureIds = collectIds(fixture.contents.map(({ metadata: _m, program: _p, phones, ...rest }) => ({
      ...rest,
      phones: (phones ?? []).map(({ languages: _l, ...phone }: Service) => phone),
    })));
    const exportedIds = collectIds(services);
    for (const s of fixture.contents) fixtureIds.delete(s.id);
    expect([...fixtureIds].filter((id) => !exportedIds.has(id))).toEqual([]);

    const cafe = services.find((s) => s.name === 'Riverside Wellbeing Café')!;
    expect(cafe.description).toBe('A friendly drop-in café for anyone feeling isolated.\n\nTea & toast provided.\nNo booking needed.');
    expect(cafe.organization).toMatchObject({ name: 'Riverside Community Trust', website: 'https://riverside.example.org', phones: [{ number: '01234 567890' }] });
    expect(cafe.organization.contacts[0].phones).toMatchObject([{ number: '01234 567891' }]);
    expect(cafe.organization.attributes[0].taxonomy_term).toMatchObject({ code: 'mental-health', taxonomy_detail: { name: 'Riverside activity types', version: '2' } });
    expect(cafe.service_at_locations).toHaveLength(2);
    const hall = cafe.service_at_locations.find((s: Service) => s.location.name === 'Riverside Community Hall');
    expect(hall.location).toMatchObject({
      location_type: 'physical',
      latitude: 53.5885,
      longitude: -0.6546,
      addresses: [
        { address_1: '1 River Street', postal_code: 'DN15 6XX', address_type: 'physical' },
        { address_1: 'PO Box 12', attention: 'The Hall Manager', address_type: 'postal' },
      ],
      accessibility: [{ description: 'Step-free entrance and accessible toilet', details: 'Hearing loop at the counter' }],
      phones: [{ number: '01234 500600' }],
      contacts: [{ name: 'Caretaker', phones: [{ number: '07700 900123' }] }],
      schedules: [{ byday: 'MO,TU,WE,TH,FR', opens_at: '08:30', closes_at: '21:00' }],
      languages: [{ code: 'pl' }],
      attributes: [{ taxonomy_term: { code: 'wheelchair-accessible' } }],
    });
    expect(hall).toMatchObject({ phones: [{ number: '01234 567893' }], contacts: [{ name: 'Café lead' }], schedules: [{ byday: 'FR' }], attributes: [{ taxonomy_term: { code: 'drop-in' } }] });
    expect(cafe.schedules).toMatchObject([
      { freq: 'WEEKLY', byday: 'MO,WE', opens_at: '10:00', closes_at: '12:00', valid_from: '2025-01-01', dtstart: '2025-01-06' },
      { freq: 'MONTHLY', byday: '1SA', opens_at: '18:00', until: '2025-12-31', notes: 'Bring a dish to share' },
    ]);
    expect(cafe.cost_options).toMatchObject([{ amount: 2.5, currency: 'GBP', amount_description: 'per session' }]);
    expect(cafe.service_areas).toMatchObject([{ extent_type: 'geojson', extent: '{"type":"Point","coordinates":[-0.65,53.59]}' }]);
    expect(cafe.funding).toMatchObject([{ source: 'National Lottery (made up)' }]);
    expect(cafe.languages).toMatchObject([{ code: 'cy', name: 'Welsh' }]);
    expect(cafe.contacts).toMatchObject([{ name: 'Sam Example', department: 'Wellbeing', phones: [{ number: '07700 900456', type: 'cell' }] }]);
    expect(cafe.phones).toMatchObject([{ number: '01234 567892', extension: '12' }]);
    const codes = cafe.attributes.map((x: Service) => [x.taxonomy_term.code, x.link_type, x.value]);
    expect(codes).toEqual(expect.arrayContaining([['trauma-informed', 'attribute', null], ['peer-support', 'activity', 'weekly'], ['mental-health', 'activity', null]]));
    const peer = cafe.attributes.find((x: Service) => x.taxonomy_term.code === 'peer-support');
    expect(peer.taxonomy_term.parent_id).toBe(cafe.attributes.find((x: Service) => x.taxonomy_term.code === 'mental-health').taxonomy_term.id);
    expect(cafe).toMatchObject({ minimum_age: 16, maximum_age: 99, assured_date: '2025-02-14', last_modified: '2025-03-01T10:30:00.000Z', alert: 'Closed on bank holidays' });
    const harbour = services.find((s) => s.name === 'Harbour Money Advice')!;
    expect(harbour).toMatchObject({ status: 'temporarily closed', minimum_age: 18, last_modified: '2024-11-20T16:45:12.345Z' });
  });

  it('round-trips: export, import into another directory, export again gives the same content', async () => {
    const a = await buildOrganisation({ name: 'Directory A' });
    const b = await buildOrganisation({ name: 'Directory B' });
    await importInto(a.id, RICH);
    const first = await exportOf(a.id);
    const file = path.join(dir, 'first.json');
    writeFileSync(file, first.text);

    const intoB = await importInto(b.id, file);
    expect({ created: intoB.created, rejected: intoB.rejected, ignored: intoB.ignored.size, adjusted: intoB.adjusted.size }).toEqual({
      created: 3,
      rejected: 0,
      ignored: 0,
      adjusted: 0,
    });
    const second = await exportOf(b.id);
    // Service ids are unique across directories, so B's are its own; everything else keeps its id.
    expect(withoutServiceIds(second.services)).toEqual(withoutServiceIds(first.services));

    // Importing the export back into A changes no content, and then nothing at all.
    const back = await importInto(a.id, file);
    expect(back.created + back.rejected).toBe(0);
    expect((await exportOf(a.id)).text).toBe(first.text);
    const again = await importInto(a.id, file);
    expect({ created: again.created, updated: again.updated, unchanged: again.unchanged }).toEqual({ created: 0, updated: 0, unchanged: 3 });
  });

  it('writes an empty array for an empty directory', async () => {
    const empty = await buildOrganisation();
    expect((await exportOf(empty.id)).text).toBe('[]\n');
  });
});
