import { describe, expect, it } from 'vitest';
import { postcodeCandidates } from '../geo/lookup.js';
import { newNotes } from './fields.js';
import { isUuid, stableId, uuidV5 } from './ids.js';
import { detectFormat, recordHash } from './importer.js';
import { RecordRejected } from './model.js';
import { readOruk1Service } from './read-oruk1.js';
import { readOruk3Service } from './read-oruk3.js';
import { plainLine, plainText } from './text.js';

describe('plainText: HTML descriptions become safe plain text', () => {
  it('keeps paragraphs and line breaks as newlines, decodes entities, makes &nbsp; a space', () => {
    expect(plainText('<p>Tea &amp; toast&nbsp;provided.</p><p>No booking<br>needed.</p>')).toBe('Tea & toast provided.\n\nNo booking\nneeded.');
  });

  it('drops scripts, styles and images, and keeps list items and link targets', () => {
    const text = plainText('<p>Hi<script>alert(1)</script></p><style>p{color:red}</style><img src="x.png" alt="x"><ul><li>one</li><li>two</li></ul><a href="https://example.org">our site</a>');
    expect(text).toBe('Hi\n\n * one\n * two\n\nour site [https://example.org]');
  });

  it('leaves plain text alone apart from tidying, so converting twice changes nothing', () => {
    const plain = 'First line\n\n\n\nSecond\u00a0line   \r\nthird';
    expect(plainText(plain)).toBe('First line\n\nSecond line\nthird');
    const html = '<h2>Title</h2><p>Body&nbsp;text &lt;3</p>';
    expect(plainText(plainText(html))).toBe(plainText(html));
    expect(plainText(html)).toBe('Title\n\nBody text <3');
  });

  it('gives null for nothing, and one line for names', () => {
    expect(plainText('  <p>&nbsp;</p> ')).toBeNull();
    expect(plainText(null)).toBeNull();
    expect(plainLine('<b>Riverside</b>\n  Café &amp; Co')).toBe('Riverside Café & Co');
  });
});

describe('ids', () => {
  it('keeps a UUID (lower case) and derives a stable UUID v5 from anything else', () => {
    expect(stableId('service', '738F94E0-AA6C-6A5C-2395-7B64421BA2A5', '')).toBe('738f94e0-aa6c-6a5c-2395-7b64421ba2a5');
    const derived = stableId('service', '12345', '');
    expect(isUuid(derived)).toBe(true);
    expect(derived).toBe(stableId('service', 12345, ''));
    expect(derived).not.toBe(stableId('organization', '12345', ''));
    expect(derived.charAt(14)).toBe('5');
  });

  it('computes RFC 4122 version 5 UUIDs', () => {
    // The RFC's own example namespace (DNS) and the well-known v5 of "python.org".
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });
});

describe('reading records', () => {
  it('tells ORUK v1 from 3.0 by envelope, vendor fields and version-only keys', () => {
    expect(detectFormat({ id: '1' }, 'oruk1')).toBe('oruk1');
    expect(detectFormat({ id: '1', name: 'x', pc_metadata: {}, deliverable_type: '' }, null)).toBe('oruk1');
    expect(detectFormat({ id: '1', name: 'x', schedules: [], attributes: [] }, null)).toBe('oruk3');
    expect(detectFormat({ id: '1', name: 'x', status: 'active' }, null)).toBe('oruk3');
  });

  it('maps v1 eligibility, schedules, taxonomies and locations onto ORUK 3.0', () => {
    const notes = newNotes();
    const service = readOruk1Service(
      {
        id: '42',
        name: 'Lunch club',
        status: 'Active',
        fees: '£2',
        attending_access: 'Drop-in',
        organization: { id: '7', name: 'Friends of the Park', url: 'https://friends.example.org' },
        eligibilitys: [{ id: 'e1', eligibility: 'Older people', minimum_age: 60, maximum_age: 999 }],
        regular_schedules: [{ id: 'r1', weekday: 3, opens_at: '12:00:00', closes_at: '14:00' }],
        service_taxonomys: [{ id: 'st1', taxonomy: { id: 'LGA-1', name: 'Lunch clubs', vocabulary: 'esdServiceTypes' } }],
        service_at_locations: [
          {
            id: 'sal1',
            location: {
              id: 'loc1',
              name: 'Park pavilion',
              latitude: 53.5,
              longitude: -0.6,
              physical_addresses: [{ id: 'pa1', address_1: 'Park Road', address_2: 'Unit 2', address_3: 'Ashby', city: 'Scunthorpe', postal_code: 'DN16 2AB', uprn: '123' }],
              accessibility_for_disabilities: [{ id: 'ac1', accessibility: 'Level access' }],
            },
          },
        ],
        reviews: [{ id: 'rv1', title: 'Great' }],
      },
      notes,
    );
    expect(service.id).toBe(stableId('service', '42', ''));
    expect(service.status).toBe('active');
    expect(service.fees_description).toBe('£2');
    expect([service.minimum_age, service.maximum_age]).toEqual([60, null]);
    expect(service.eligibility_description).toBe('Older people');
    expect(service.schedules).toMatchObject([{ freq: 'WEEKLY', byday: 'WE', opens_at: '12:00', closes_at: '14:00' }]);
    expect(service.organization).toMatchObject({ name: 'Friends of the Park', website: 'https://friends.example.org', source_id: '7' });
    const location = service.service_at_locations[0]!.location;
    expect(location.addresses).toMatchObject([{ address_1: 'Park Road', address_2: 'Unit 2, Ashby', postal_code: 'DN16 2AB', address_type: 'physical' }]);
    expect(location.accessibility).toMatchObject([{ description: 'Level access' }]);
    const terms = service.attributes.map((a) => [a.link_type, a.taxonomy_term.code]);
    expect(terms).toEqual(expect.arrayContaining([['service', 'LGA-1'], ['attending_access', 'Drop-in'], ['attribute', 'drop-in']]));
    expect([...notes.ignored].sort()).toEqual(['reviews', 'service_at_locations[].location.physical_addresses[].uprn']);
  });

  it('rejects a service without a name or with an impossible status, saying why', () => {
    expect(() => readOruk3Service({ id: 'x', name: '  ', organization: { id: 'o', name: 'O' } }, newNotes())).toThrow(new RecordRejected('the service has no name'));
    expect(() => readOruk3Service({ id: 'x', name: 'A', status: 'open', organization: { id: 'o', name: 'O' } }, newNotes())).toThrow(/status "open"/);
    expect(() => readOruk3Service({ id: 'x', name: 'A', minimum_age: 20, maximum_age: 10, organization: { id: 'o', name: 'O' } }, newNotes())).toThrow(/minimum_age 20/);
  });

  it('hashes the same content the same whatever the order of lists', () => {
    const a = readOruk3Service({ id: 'x', name: 'A', organization: { id: 'o', name: 'O' }, phones: [{ id: 'p1', number: '1' }, { id: 'p2', number: '2' }] }, newNotes());
    const b = readOruk3Service({ id: 'x', name: 'A', organization: { id: 'o', name: 'O' }, phones: [{ id: 'p2', number: '2' }, { id: 'p1', number: '1' }] }, newNotes());
    expect(recordHash(a)).toBe(recordHash(b));
  });
});

describe('postcode look-up keys', () => {
  it('tries unit, sector, then district; takes a bare sector or district too', () => {
    expect(postcodeCandidates('bs5  6xx')).toEqual([
      { postcode: 'BS5 6XX', precision: 'unit' },
      { postcode: 'BS5 6', precision: 'sector' },
      { postcode: 'BS5', precision: 'district' },
    ]);
    expect(postcodeCandidates('BS5 6')).toEqual([
      { postcode: 'BS5 6', precision: 'sector' },
      { postcode: 'BS5', precision: 'district' },
    ]);
    expect(postcodeCandidates('bs10')).toEqual([{ postcode: 'BS10', precision: 'district' }]);
    expect(postcodeCandidates('not a postcode')).toEqual([]);
  });
});
