import type { Selectable } from 'kysely';
import type { Database, Tx } from '../../../platform/db/database.js';
import type { DB } from '../../../platform/db/schema.js';

/**
 * ORUK 3.0 export: every service of one directory, fully nested as `GET /services/{id}` returns it
 * (organization, service_at_locations with location, addresses, accessibility, schedules, phones and
 * contacts; contacts, phones, schedules, cost_options, languages, service_areas, funding, and
 * attributes with their taxonomy_term and taxonomy), written as one JSON array, a page of services
 * at a time. Ids are Linkwork's; child lists are in id order. `linkwork import oruk` reads it back
 * to the same content (see the round-trip test).
 */

const PAGE = 100;

type Row<T extends keyof DB> = Selectable<DB[T]>;
type Json = Record<string, unknown>;

/** Time of day as ORUK writes it: HH:MM, with seconds only when there are some. */
function timeOfDay(value: string | null): string | null {
  if (!value) return null;
  const [h, m, s] = value.split(':');
  return s && Number(s) !== 0 ? `${h}:${m}:${s.slice(0, 2)}` : `${h}:${m}`;
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function groupBy<T, K>(rows: T[], key: (row: T) => K | null | undefined): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    if (k === null || k === undefined) continue;
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

export interface ExportOptions {
  /** Only services that are published (what the public ORUK API shows). Default: all of them. */
  publishedOnly?: boolean;
}

/** Writes the directory of `organisationId` as an ORUK 3.0 JSON array; returns how many services. */
export async function exportOruk(
  db: Database,
  scope: { organisationId: string; userId: string | null },
  write: (text: string) => Promise<void>,
  options: ExportOptions = {},
): Promise<{ services: number }> {
  let after: string | null = null;
  let count = 0;
  await write('[');
  for (;;) {
    const page: Json[] = await db.inScope(scope, (tx) => exportPage(tx, scope.organisationId, after, options));
    if (page.length === 0) break;
    for (const service of page) {
      await write((count === 0 ? '\n' : ',\n') + JSON.stringify(service, null, 2).replace(/^/gm, '  '));
      count++;
    }
    after = page.at(-1)!.id as string;
    if (page.length < PAGE) break;
  }
  await write(count ? '\n]\n' : ']\n');
  return { services: count };
}

/** One page of services after `after` (by id), fully nested. Exported for the ORUK API and tests. */
export async function exportPage(tx: Tx, org: string, after: string | null, options: ExportOptions = {}, ids?: string[]): Promise<Json[]> {
  let query = tx.selectFrom('directoryService').selectAll().where('organisationId', '=', org);
  if (after) query = query.where('id', '>', after);
  if (ids) query = query.where('id', 'in', ids.length ? ids : ['00000000-0000-0000-0000-000000000000']);
  if (options.publishedOnly) query = query.where('published', '=', true);
  const services = await query.orderBy('id').limit(ids ? Math.max(ids.length, 1) : PAGE).execute();
  if (services.length === 0) return [];
  return nest(tx, org, services);
}

async function nest(tx: Tx, org: string, services: Row<'directoryService'>[]): Promise<Json[]> {
  const serviceIds = services.map((s) => s.id);
  const organizationIds = [...new Set(services.map((s) => s.directoryOrganizationId))];
  const [organizations, sals] = await Promise.all([
    tx.selectFrom('directoryOrganization').selectAll().where('organisationId', '=', org).where('id', 'in', organizationIds).execute(),
    tx.selectFrom('directoryServiceAtLocation').selectAll().where('organisationId', '=', org).where('serviceId', 'in', serviceIds).execute(),
  ]);
  const locationIds = [...new Set(sals.map((s) => s.locationId))];
  const none = ['00000000-0000-0000-0000-000000000000'];
  const locs = locationIds.length ? locationIds : none;
  const owned = <T extends 'directoryContact' | 'directoryPhone'>(table: T) =>
    tx
      .selectFrom(table as 'directoryContact')
      .selectAll()
      .where('organisationId', '=', org)
      .where((eb) => eb.or([eb('serviceId', 'in', serviceIds), eb('locationId', 'in', locs), eb('directoryOrganizationId', 'in', organizationIds)]))
      .execute();
  const [locations, addresses, accessibility, contacts, phones, schedules, costs, languages, areas, funding] = await Promise.all([
    tx.selectFrom('directoryLocation').selectAll().where('organisationId', '=', org).where('id', 'in', locs).execute(),
    tx.selectFrom('directoryAddress').selectAll().where('organisationId', '=', org).where('locationId', 'in', locs).execute(),
    tx.selectFrom('directoryAccessibility').selectAll().where('organisationId', '=', org).where('locationId', 'in', locs).execute(),
    owned('directoryContact'),
    owned('directoryPhone') as unknown as Promise<Row<'directoryPhone'>[]>,
    tx
      .selectFrom('directorySchedule')
      .selectAll()
      .where('organisationId', '=', org)
      .where((eb) => eb.or([eb('serviceId', 'in', serviceIds), eb('locationId', 'in', locs)]))
      .execute(),
    tx.selectFrom('directoryCostOption').selectAll().where('organisationId', '=', org).where('serviceId', 'in', serviceIds).execute(),
    tx
      .selectFrom('directoryLanguage')
      .selectAll()
      .where('organisationId', '=', org)
      .where((eb) => eb.or([eb('serviceId', 'in', serviceIds), eb('locationId', 'in', locs)]))
      .execute(),
    tx.selectFrom('directoryServiceArea').selectAll().where('organisationId', '=', org).where('serviceId', 'in', serviceIds).execute(),
    tx
      .selectFrom('directoryFunding')
      .selectAll()
      .where('organisationId', '=', org)
      .where((eb) => eb.or([eb('serviceId', 'in', serviceIds), eb('directoryOrganizationId', 'in', organizationIds)]))
      .execute(),
  ]);
  const linkIds = [
    ...serviceIds,
    ...organizationIds,
    ...[sals, locations, addresses, accessibility, contacts, phones, schedules, costs, languages, areas, funding].flatMap((rows) => rows.map((r) => r.id)),
  ];
  const attributeRows = await tx
    .selectFrom('directoryAttribute as a')
    .innerJoin('directoryTaxonomyTerm as t', 't.id', 'a.taxonomyTermId')
    .leftJoin('directoryTaxonomy as x', 'x.id', 't.taxonomyId')
    .select([
      'a.id',
      'a.linkId',
      'a.linkType',
      'a.linkEntity',
      'a.value',
      't.id as termId',
      't.code',
      't.name',
      't.description',
      't.parentId',
      't.taxonomyId',
      't.language',
      't.termUri',
      'x.name as taxonomyName',
      'x.description as taxonomyDescription',
      'x.uri as taxonomyUri',
      'x.version as taxonomyVersion',
    ])
    .where('a.organisationId', '=', org)
    .where('a.linkId', 'in', linkIds)
    .execute();
  const attributesOf = groupBy(attributeRows.sort(byId), (a) => a.linkId);
  const attributes = (id: string) =>
    (attributesOf.get(id) ?? []).map((a) => ({
      id: a.id,
      link_id: a.linkId,
      link_type: a.linkType,
      link_entity: a.linkEntity,
      taxonomy_term_id: a.termId,
      value: a.value,
      taxonomy_term: {
        id: a.termId,
        code: a.code,
        name: a.name,
        description: a.description,
        parent_id: a.parentId,
        taxonomy: a.taxonomyName,
        taxonomy_id: a.taxonomyId,
        language: a.language,
        term_uri: a.termUri,
        taxonomy_detail: a.taxonomyId
          ? { id: a.taxonomyId, name: a.taxonomyName, description: a.taxonomyDescription, uri: a.taxonomyUri, version: a.taxonomyVersion }
          : null,
      },
    }));

  const phone = (p: Row<'directoryPhone'>) => ({
    id: p.id,
    service_id: p.serviceId,
    location_id: p.locationId,
    organization_id: p.directoryOrganizationId,
    contact_id: p.contactId,
    number: p.number,
    extension: p.extension,
    type: p.type,
    description: p.description,
    attributes: attributes(p.id),
  });
  const phonesOfContact = groupBy(phones.filter((p) => p.contactId).sort(byId), (p) => p.contactId);
  const contact = (c: Row<'directoryContact'>) => ({
    id: c.id,
    service_id: c.serviceId,
    location_id: c.locationId,
    organization_id: c.directoryOrganizationId,
    name: c.name,
    title: c.title,
    department: c.department,
    email: c.email,
    phones: (phonesOfContact.get(c.id) ?? []).map(phone),
    attributes: attributes(c.id),
  });
  const schedule = (s: Row<'directorySchedule'>) => ({
    id: s.id,
    service_id: s.serviceId,
    location_id: s.locationId,
    service_at_location_id: s.serviceAtLocationId,
    valid_from: s.validFrom,
    valid_to: s.validTo,
    dtstart: s.dtstart,
    until: s.until,
    freq: s.freq,
    interval: s.interval,
    byday: s.byday,
    bymonthday: s.bymonthday,
    opens_at: timeOfDay(s.opensAt),
    closes_at: timeOfDay(s.closesAt),
    description: s.description,
    attending_type: s.attendingType,
    notes: s.notes,
    attributes: attributes(s.id),
  });
  const language = (l: Row<'directoryLanguage'>) => ({
    id: l.id,
    service_id: l.serviceId,
    location_id: l.locationId,
    name: l.name,
    code: l.code,
    note: l.note,
    attributes: attributes(l.id),
  });
  const fundingOf = (f: Row<'directoryFunding'>) => ({
    id: f.id,
    service_id: f.serviceId,
    organization_id: f.directoryOrganizationId,
    source: f.source,
    attributes: attributes(f.id),
  });

  // Who owns what: a contact or phone of a contact is nested under the contact; otherwise service and
  // location together mean a service at a location, one of them alone that service or location.
  const loose = <T extends { contactId?: string | null }>(rows: T[]) => rows.filter((r) => !r.contactId);
  const sorted = <T extends { id: string }>(rows: T[]) => [...rows].sort(byId);
  const contactsSorted = sorted(contacts);
  const phonesSorted = sorted(loose(phones));
  const schedulesSorted = sorted(schedules);
  const key = (serviceId: string | null, locationId: string | null) => `${serviceId ?? ''}|${locationId ?? ''}`;
  const contactsBy = groupBy(contactsSorted, (c) => key(c.serviceId, c.locationId));
  const phonesBy = groupBy(phonesSorted, (p) => key(p.serviceId, p.locationId));
  const orgContacts = groupBy(contactsSorted.filter((c) => !c.serviceId && !c.locationId), (c) => c.directoryOrganizationId);
  const orgPhones = groupBy(phonesSorted.filter((p) => !p.serviceId && !p.locationId), (p) => p.directoryOrganizationId);
  const schedulesOfSal = groupBy(schedulesSorted, (s) => s.serviceAtLocationId);
  const schedulesOfService = groupBy(schedulesSorted.filter((s) => !s.serviceAtLocationId), (s) => s.serviceId);
  const schedulesOfLocation = groupBy(schedulesSorted.filter((s) => !s.serviceId && !s.serviceAtLocationId), (s) => s.locationId);
  const languagesOfService = groupBy(sorted(languages), (l) => l.serviceId);
  const languagesOfLocation = groupBy(sorted(languages).filter((l) => !l.serviceId), (l) => l.locationId);
  const fundingOfService = groupBy(sorted(funding), (f) => f.serviceId);
  const fundingOfOrganization = groupBy(sorted(funding).filter((f) => !f.serviceId), (f) => f.directoryOrganizationId);
  const addressesOf = groupBy(sorted(addresses), (a) => a.locationId);
  const accessibilityOf = groupBy(sorted(accessibility), (a) => a.locationId);
  const costsOf = groupBy(sorted(costs), (c) => c.serviceId);
  const areasOf = groupBy(sorted(areas), (a) => a.serviceId);
  const salsOf = groupBy(sorted(sals), (s) => s.serviceId);
  const locationById = new Map(locations.map((l) => [l.id, l]));
  const organizationById = new Map(organizations.map((o) => [o.id, o]));

  const location = (l: Row<'directoryLocation'>) => ({
    id: l.id,
    location_type: l.locationType,
    url: l.url,
    name: l.name,
    description: l.description,
    latitude: l.latitude === null ? null : Number(l.latitude),
    longitude: l.longitude === null ? null : Number(l.longitude),
    languages: (languagesOfLocation.get(l.id) ?? []).map(language),
    addresses: (addressesOf.get(l.id) ?? []).map((a) => ({
      id: a.id,
      location_id: a.locationId,
      attention: a.attention,
      address_1: a.address1,
      address_2: a.address2,
      city: a.city,
      region: a.region,
      state_province: a.stateProvince,
      postal_code: a.postalCode,
      country: a.country,
      address_type: a.addressType,
      attributes: attributes(a.id),
    })),
    contacts: (contactsBy.get(key(null, l.id)) ?? []).map(contact),
    accessibility: (accessibilityOf.get(l.id) ?? []).map((a) => ({
      id: a.id,
      location_id: a.locationId,
      description: a.description,
      details: a.details,
      url: a.url,
      attributes: attributes(a.id),
    })),
    phones: (phonesBy.get(key(null, l.id)) ?? []).map(phone),
    schedules: (schedulesOfLocation.get(l.id) ?? []).map(schedule),
    attributes: attributes(l.id),
  });

  const organization = (o: Row<'directoryOrganization'>) => ({
    id: o.id,
    name: o.name,
    alternate_name: o.alternateName,
    description: o.description,
    email: o.email,
    website: o.website,
    logo: o.logo,
    uri: o.uri,
    funding: (fundingOfOrganization.get(o.id) ?? []).map(fundingOf),
    contacts: (orgContacts.get(o.id) ?? []).map(contact),
    phones: (orgPhones.get(o.id) ?? []).map(phone),
    attributes: attributes(o.id),
  });

  return services.map((s) => {
    const o = organizationById.get(s.directoryOrganizationId);
    return {
      id: s.id,
      organization_id: s.directoryOrganizationId,
      name: s.name,
      alternate_name: s.alternateName,
      description: s.description,
      url: s.url,
      email: s.email,
      status: s.status,
      interpretation_services: s.interpretationServices,
      application_process: s.applicationProcess,
      fees_description: s.feesDescription,
      accreditations: s.accreditations,
      eligibility_description: s.eligibilityDescription,
      minimum_age: s.minimumAge,
      maximum_age: s.maximumAge,
      assured_date: s.assuredDate,
      assurer_email: s.assurerEmail,
      alert: s.alert,
      last_modified: s.lastModified instanceof Date ? s.lastModified.toISOString() : new Date(s.lastModified).toISOString(),
      phones: (phonesBy.get(key(s.id, null)) ?? []).map(phone),
      schedules: (schedulesOfService.get(s.id) ?? []).map(schedule),
      service_areas: (areasOf.get(s.id) ?? []).map((a) => ({
        id: a.id,
        service_id: a.serviceId,
        name: a.name,
        description: a.description,
        extent: a.extent,
        extent_type: a.extentType,
        uri: a.uri,
        attributes: attributes(a.id),
      })),
      service_at_locations: (salsOf.get(s.id) ?? []).map((sal) => {
        const l = locationById.get(sal.locationId)!;
        return {
          id: sal.id,
          service_id: sal.serviceId,
          location_id: sal.locationId,
          description: sal.description,
          contacts: (contactsBy.get(key(s.id, sal.locationId)) ?? []).map(contact),
          phones: (phonesBy.get(key(s.id, sal.locationId)) ?? []).map(phone),
          schedules: (schedulesOfSal.get(sal.id) ?? []).map(schedule),
          location: location(l),
          attributes: attributes(sal.id),
        };
      }),
      languages: (languagesOfService.get(s.id) ?? []).map(language),
      organization: o ? organization(o) : null,
      funding: (fundingOfService.get(s.id) ?? []).map(fundingOf),
      cost_options: (costsOf.get(s.id) ?? []).map((c) => ({
        id: c.id,
        service_id: c.serviceId,
        valid_from: c.validFrom,
        valid_to: c.validTo,
        option: c.option,
        currency: c.currency,
        amount: c.amount === null ? null : Number(c.amount),
        amount_description: c.amountDescription,
        attributes: attributes(c.id),
      })),
      contacts: (contactsBy.get(key(s.id, null)) ?? []).map(contact),
      attributes: attributes(s.id),
    };
  });
}
