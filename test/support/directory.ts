import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { ATTRIBUTE_TAXONOMY_ID, NEEDS_TAXONOMY_ID, type ServiceAttribute } from '../../src/features/directory/taxonomy.js';
import type { Organisation } from '../../src/platform/db/schema.js';
import { testServices } from './factories.js';

/**
 * Directory rows for tests, written straight into the tables in the owning organisation's context
 * (so row-level security checks them as it would an import). Anyone's tests may use these.
 *
 *   const svc = await buildDirectoryService(org, { name: 'Community gardening', needs: ['nature-and-green-space'],
 *     attributes: ['free', 'drop-in'], locations: [{ latitude: 51.46, longitude: -2.56 }],
 *     schedules: [{ byday: 'TU', opensAt: '10:00', closesAt: '12:00' }] });
 */

export interface LocationSpec {
  latitude: number | null;
  longitude: number | null;
  name?: string;
  locationType?: 'physical' | 'postal' | 'virtual';
  address?: { address1: string; address2?: string; city: string; postalCode: string };
  accessibility?: string;
}

export interface ScheduleSpec {
  byday: string | null;
  opensAt?: string | null;
  closesAt?: string | null;
  freq?: 'WEEKLY' | 'MONTHLY';
  interval?: number;
  dtstart?: string;
  validFrom?: string;
  validTo?: string;
  bymonthday?: string;
  description?: string;
}

export interface ServiceSpec {
  name: string;
  description?: string | null;
  eligibility?: string | null;
  fees?: string | null;
  alternateName?: string | null;
  url?: string | null;
  email?: string | null;
  published?: boolean;
  status?: 'active' | 'inactive' | 'defunct' | 'temporarily closed';
  /** YYYY-MM-DD; null for never verified. Defaults to today (so not "out of date"). */
  lastVerified?: string | null;
  minimumAge?: number | null;
  maximumAge?: number | null;
  applicationProcess?: string | null;
  /** The organisation that runs the service (ORUK organization); a new one named after the service unless given. */
  provider?: { id: string } | { name: string };
  locations?: LocationSpec[];
  attributes?: ServiceAttribute[];
  /** Need codes (the needs taxonomy's term codes). */
  needs?: string[];
  schedules?: ScheduleSpec[];
  costs?: { amount?: number | null; currency?: string; option?: string; amountDescription?: string }[];
  languages?: { name?: string; code?: string }[];
  contacts?: { name?: string; email?: string; phone?: string }[];
  phones?: string[];
}

export interface BuiltService {
  id: string;
  organisationId: string;
  providerId: string;
  locationIds: string[];
}

const today = () => new Date().toISOString().slice(0, 10);

export async function buildDirectoryService(organisation: Organisation | { id: string }, spec: ServiceSpec): Promise<BuiltService> {
  const { db } = await testServices();
  const org = organisation.id;
  return db.inScope({ organisationId: org, userId: null }, async (tx) => {
    let providerId: string;
    if (spec.provider && 'id' in spec.provider) {
      providerId = spec.provider.id;
    } else {
      providerId = randomUUID();
      await tx
        .insertInto('directoryOrganization')
        .values({ organisationId: org, id: providerId, name: spec.provider?.name ?? `${spec.name} (provider)` } as never)
        .execute();
    }
    const id = randomUUID();
    await tx
      .insertInto('directoryService')
      .values({
        organisationId: org,
        id,
        directoryOrganizationId: providerId,
        name: spec.name,
        alternateName: spec.alternateName ?? null,
        description: spec.description ?? null,
        url: spec.url ?? null,
        email: spec.email ?? null,
        status: spec.status ?? 'active',
        eligibilityDescription: spec.eligibility ?? null,
        feesDescription: spec.fees ?? null,
        applicationProcess: spec.applicationProcess ?? null,
        minimumAge: spec.minimumAge ?? null,
        maximumAge: spec.maximumAge ?? null,
        lastVerified: spec.lastVerified === undefined ? today() : spec.lastVerified,
        published: spec.published ?? true,
      } as never)
      .execute();

    const locationIds: string[] = [];
    for (const location of spec.locations ?? []) {
      const locationId = randomUUID();
      locationIds.push(locationId);
      await tx
        .insertInto('directoryLocation')
        .values({ organisationId: org, id: locationId, name: location.name ?? null, locationType: location.locationType ?? 'physical', latitude: location.latitude, longitude: location.longitude } as never)
        .execute();
      if (location.address) {
        // Raw SQL: the camel-case mapping would turn address1 into "address1", not the column address_1.
        const a = location.address;
        await sql`INSERT INTO directory_address (organisation_id, id, location_id, address_1, address_2, city, postal_code)
                  VALUES (${org}, ${randomUUID()}, ${locationId}, ${a.address1}, ${a.address2 ?? null}, ${a.city}, ${a.postalCode})`.execute(tx);
      }
      if (location.accessibility) {
        await tx.insertInto('directoryAccessibility').values({ organisationId: org, id: randomUUID(), locationId, description: location.accessibility } as never).execute();
      }
      await tx.insertInto('directoryServiceAtLocation').values({ organisationId: org, id: randomUUID(), serviceId: id, locationId } as never).execute();
    }

    const terms = [
      ...(spec.attributes ?? []).map((code) => ({ taxonomyId: ATTRIBUTE_TAXONOMY_ID, code })),
      ...(spec.needs ?? []).map((code) => ({ taxonomyId: NEEDS_TAXONOMY_ID, code })),
    ];
    for (const term of terms) {
      const found = await tx
        .selectFrom('directoryTaxonomyTerm')
        .select('id')
        .where('taxonomyId', '=', term.taxonomyId)
        .where('code', '=', term.code)
        .executeTakeFirst();
      if (!found) throw new Error(`No taxonomy term "${term.code}"`);
      await tx
        .insertInto('directoryAttribute')
        .values({ organisationId: org, id: randomUUID(), linkId: id, linkType: 'service', linkEntity: 'service', taxonomyTermId: found.id } as never)
        .execute();
    }

    for (const s of spec.schedules ?? []) {
      await tx
        .insertInto('directorySchedule')
        .values({
          organisationId: org,
          id: randomUUID(),
          serviceId: id,
          freq: s.freq ?? 'WEEKLY',
          byday: s.byday,
          interval: s.interval ?? null,
          dtstart: s.dtstart ?? null,
          validFrom: s.validFrom ?? null,
          validTo: s.validTo ?? null,
          bymonthday: s.bymonthday ?? null,
          opensAt: s.opensAt ?? null,
          closesAt: s.closesAt ?? null,
          description: s.description ?? null,
        } as never)
        .execute();
    }
    for (const c of spec.costs ?? []) {
      await tx
        .insertInto('directoryCostOption')
        .values({ organisationId: org, id: randomUUID(), serviceId: id, amount: c.amount ?? null, currency: c.currency ?? 'GBP', option: c.option ?? null, amountDescription: c.amountDescription ?? null } as never)
        .execute();
    }
    for (const l of spec.languages ?? []) {
      await tx.insertInto('directoryLanguage').values({ organisationId: org, id: randomUUID(), serviceId: id, name: l.name ?? null, code: l.code ?? null } as never).execute();
    }
    for (const c of spec.contacts ?? []) {
      const contactId = randomUUID();
      await tx.insertInto('directoryContact').values({ organisationId: org, id: contactId, serviceId: id, name: c.name ?? null, email: c.email ?? null } as never).execute();
      if (c.phone) await tx.insertInto('directoryPhone').values({ organisationId: org, id: randomUUID(), contactId, number: c.phone } as never).execute();
    }
    for (const number of spec.phones ?? []) {
      await tx.insertInto('directoryPhone').values({ organisationId: org, id: randomUUID(), serviceId: id, number } as never).execute();
    }
    return { id, organisationId: org, providerId, locationIds };
  });
}

/** A word no other test will have used, to keep searches to this test's services. */
export function uniqueWord(): string {
  return `zq${randomBytes(4).toString('hex').replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]!)}`;
}

/**
 * A postcode centroid for distance tests. postcode_centroid is shared reference data: when the
 * postcode is already there (another test, or the shipped data), its stored point wins and is
 * returned, so build locations relative to what this returns.
 */
export async function ensurePostcode(postcode: string, latitude: number, longitude: number, kind: 'unit' | 'sector' | 'district' = 'unit') {
  const { db } = await testServices();
  await db.kysely.insertInto('postcodeCentroid').values({ postcode, kind, latitude, longitude }).onConflict((oc) => oc.column('postcode').doNothing()).execute();
  const row = await db.kysely.selectFrom('postcodeCentroid').select(['latitude', 'longitude', 'kind']).where('postcode', '=', postcode).executeTakeFirstOrThrow();
  return { postcode, latitude: Number(row.latitude), longitude: Number(row.longitude), kind: row.kind };
}

/**
 * A unit postcode of valid shape that no real data set holds at this point: a random inward code in
 * a real district, with a centroid placed far from anywhere (in the North Sea), so only the calling
 * test's services are near it. Returns the point; offsets in km give nearby places. Another feature's
 * tests can take their own band (`latitudeFrom: 60`) so their services never turn up near the
 * directory tests' places, whose searches by distance alone expect only their own services.
 */
export async function isolatedPlace(options: { latitudeFrom?: number } = {}): Promise<{ postcode: string; latitude: number; longitude: number; at: (northKm: number, eastKm: number) => { latitude: number; longitude: number } }> {
  const { db } = await testServices();
  const letters = 'ABDEFGHJLNPQRSTUWXYZ';
  const pick = () => letters[randomBytes(1)[0]! % letters.length]!;
  // There are only 4,000 such postcodes: one another test already placed would put both tests' services
  // at the same point, so draw again until this one is new.
  for (;;) {
    const postcode = `ZE3 ${randomBytes(1)[0]! % 10}${pick()}${pick()}`;
    const latitude = (options.latitudeFrom ?? 56) + (randomBytes(2).readUInt16BE() / 65535) * 2;
    const longitude = 1 + (randomBytes(2).readUInt16BE() / 65535) * 2;
    const inserted = await db.kysely
      .insertInto('postcodeCentroid')
      .values({ postcode, kind: 'unit', latitude, longitude })
      .onConflict((oc) => oc.column('postcode').doNothing())
      .returning('postcode')
      .executeTakeFirst();
    if (!inserted) continue;
    const at = (northKm: number, eastKm: number) => ({
      latitude: latitude + northKm / 110.574,
      longitude: longitude + eastKm / (111.32 * Math.cos((latitude * Math.PI) / 180)),
    });
    return { postcode, latitude, longitude, at };
  }
}
