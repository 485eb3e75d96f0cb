import type { Tx } from '../../../platform/db/database.js';
import * as q from './queries.js';
import { keyOf, type Key, type LinkEntity } from './queries.js';
import * as out from './serialise.js';
import type { OrukAttribute, OrukContact, OrukLocation, OrukOrganization, OrukPhone, OrukService, OrukServiceAtLocation } from './schemas.js';

/**
 * Builds nested ORUK objects for a whole page at once. Children are loaded in a few rounds, one
 * statement per kind of child for every parent on the page (see queries.ts): the parents' own
 * relations first, then the phones of the contacts found, then the attributes of everything found.
 * The number of statements depends on the nesting asked for, never on the number of services.
 *
 * Where a row belongs follows the importer: a contact, phone or schedule with a service is the
 * service's (or, with a location the service is at too, that service at location's); with only a
 * location it is the location's; with only an organization, the organization's.
 */

type Grouped<R> = Map<string, R[]>;

function index<R extends { organisationId: string }>(rows: R[], parent: (row: R) => string | null): Grouped<R> {
  const groups: Grouped<R> = new Map();
  for (const row of rows) {
    const id = parent(row);
    if (id === null) continue;
    const key = keyOf(row.organisationId, id);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

const rowsOf = <R>(groups: Grouped<R>, organisationId: string, id: string): R[] => groups.get(keyOf(organisationId, id)) ?? [];
const keysOf = <R extends { organisationId: string }>(rows: R[], id: (row: R) => string): Key[] => rows.map((r) => ({ organisationId: r.organisationId, id: id(r) }));

/** Everything loaded for one page, with serialisers that nest it. */
class Page {
  private readonly attributes: Map<string, OrukAttribute[]> = new Map();
  private readonly phonesByContact: Grouped<q.PhoneRow>;
  private readonly contactsByService: Grouped<q.ContactRow>;
  private readonly contactsByLocation: Grouped<q.ContactRow>;
  private readonly contactsByOrganization: Grouped<q.ContactRow>;
  private readonly phonesByService: Grouped<q.PhoneRow>;
  private readonly phonesByLocation: Grouped<q.PhoneRow>;
  private readonly phonesByOrganization: Grouped<q.PhoneRow>;
  private readonly schedulesByService: Grouped<q.ScheduleRow>;
  private readonly schedulesBySal: Grouped<q.ScheduleRow>;
  private readonly schedulesByLocation: Grouped<q.ScheduleRow>;
  private readonly languagesByService: Grouped<q.LanguageRow>;
  private readonly languagesByLocation: Grouped<q.LanguageRow>;
  private readonly fundingByService: Grouped<q.FundingRow>;
  private readonly fundingByOrganization: Grouped<q.FundingRow>;
  private readonly areasByService: Grouped<q.ServiceAreaRow>;
  private readonly costsByService: Grouped<q.CostOptionRow>;
  private readonly addressesByLocation: Grouped<q.AddressRow>;
  private readonly accessibilityByLocation: Grouped<q.AccessibilityRow>;
  private readonly locationRows: Map<string, q.LocationRow>;

  constructor(rows: {
    locations: q.LocationRow[];
    addresses: q.AddressRow[];
    accessibility: q.AccessibilityRow[];
    contacts: q.ContactRow[];
    phones: q.PhoneRow[];
    schedules: q.ScheduleRow[];
    languages: q.LanguageRow[];
    funding: q.FundingRow[];
    areas: q.ServiceAreaRow[];
    costs: q.CostOptionRow[];
    attributes: q.AttributeRow[];
  }) {
    this.locationRows = new Map(rows.locations.map((l) => [keyOf(l.organisationId, l.id), l]));
    this.addressesByLocation = index(rows.addresses, (a) => a.locationId);
    this.accessibilityByLocation = index(rows.accessibility, (a) => a.locationId);
    this.contactsByService = index(rows.contacts, (c) => c.serviceId);
    this.contactsByLocation = index(rows.contacts, (c) => (c.serviceId === null ? c.locationId : null));
    this.contactsByOrganization = index(rows.contacts, (c) => (c.serviceId === null && c.locationId === null ? c.directoryOrganizationId : null));
    this.phonesByContact = index(rows.phones, (p) => p.contactId);
    const own = rows.phones.filter((p) => p.contactId === null);
    this.phonesByService = index(own, (p) => p.serviceId);
    this.phonesByLocation = index(own, (p) => (p.serviceId === null ? p.locationId : null));
    this.phonesByOrganization = index(own, (p) => (p.serviceId === null && p.locationId === null ? p.directoryOrganizationId : null));
    this.schedulesBySal = index(rows.schedules, (s) => s.serviceAtLocationId);
    this.schedulesByService = index(rows.schedules, (s) => (s.serviceAtLocationId === null ? s.serviceId : null));
    this.schedulesByLocation = index(rows.schedules, (s) => (s.serviceAtLocationId === null && s.serviceId === null ? s.locationId : null));
    this.languagesByService = index(rows.languages, (l) => l.serviceId);
    this.languagesByLocation = index(rows.languages, (l) => (l.serviceId === null ? l.locationId : null));
    this.fundingByService = index(rows.funding, (f) => f.serviceId);
    this.fundingByOrganization = index(rows.funding, (f) => (f.serviceId === null ? f.directoryOrganizationId : null));
    this.areasByService = index(rows.areas, (a) => a.serviceId);
    this.costsByService = index(rows.costs, (c) => c.serviceId);
    for (const row of rows.attributes) {
      const key = `${row.linkEntity}|${keyOf(row.organisationId, row.linkId)}`;
      this.attributes.set(key, [...(this.attributes.get(key) ?? []), out.attribute(row)]);
    }
  }

  attributesOf(entity: LinkEntity, organisationId: string, id: string): OrukAttribute[] {
    return this.attributes.get(`${entity}|${keyOf(organisationId, id)}`) ?? [];
  }

  /** A small child with its attributes, when it has any. */
  private tagged<T extends object>(entity: LinkEntity, row: { organisationId: string; id: string }, json: T): T {
    const attributes = this.attributesOf(entity, row.organisationId, row.id);
    return attributes.length > 0 ? { ...json, attributes } : json;
  }

  private phone = (row: q.PhoneRow): OrukPhone => this.tagged('phone', row, out.phone(row));

  private contact = (row: q.ContactRow): OrukContact =>
    this.tagged('contact', row, out.contact(row, rowsOf(this.phonesByContact, row.organisationId, row.id).map(this.phone)));

  private schedule = (row: q.ScheduleRow) => this.tagged('schedule', row, out.schedule(row));
  private language = (row: q.LanguageRow) => this.tagged('language', row, out.language(row));
  private funding = (row: q.FundingRow) => this.tagged('funding', row, out.funding(row));

  organizationChildren(o: string, id: string): Pick<OrukOrganization, 'funding' | 'contacts' | 'phones' | 'attributes'> {
    return {
      funding: rowsOf(this.fundingByOrganization, o, id).map(this.funding),
      contacts: rowsOf(this.contactsByOrganization, o, id).map(this.contact),
      phones: rowsOf(this.phonesByOrganization, o, id).map(this.phone),
      attributes: this.attributesOf('organization', o, id),
    };
  }

  location(o: string, id: string, full: boolean): OrukLocation | undefined {
    const row = this.locationRows.get(keyOf(o, id));
    if (!row) return undefined;
    if (!full) return out.location(row);
    return out.location(row, {
      languages: rowsOf(this.languagesByLocation, o, id).map(this.language),
      addresses: rowsOf(this.addressesByLocation, o, id).map((a) => this.tagged('address', a, out.address(a))),
      contacts: rowsOf(this.contactsByLocation, o, id).map(this.contact),
      accessibility: rowsOf(this.accessibilityByLocation, o, id).map((a) => this.tagged('accessibility', a, out.accessibility(a))),
      phones: rowsOf(this.phonesByLocation, o, id).map(this.phone),
      schedules: rowsOf(this.schedulesByLocation, o, id).map(this.schedule),
      attributes: this.attributesOf('location', o, id),
    });
  }

  /** A service at a location, fully nested; its contacts and phones are the service's rows at that location. */
  serviceAtLocation(row: q.ServiceAtLocationRow, service?: OrukService): OrukServiceAtLocation {
    const o = row.organisationId;
    const here = <R extends { locationId: string | null }>(rows: R[]) => rows.filter((r) => r.locationId === row.locationId);
    return out.serviceAtLocation(row, {
      contacts: here(rowsOf(this.contactsByService, o, row.serviceId)).map(this.contact),
      phones: here(rowsOf(this.phonesByService, o, row.serviceId)).map(this.phone),
      schedules: rowsOf(this.schedulesBySal, o, row.id).map(this.schedule),
      location: this.location(o, row.locationId, true),
      attributes: this.attributesOf('service_at_location', o, row.id),
      ...(service ? { service } : {}),
    });
  }

  /**
   * A service fully nested. Contacts and phones at one of its locations belong to that service at
   * location, so they are left out here (and `sals` are all the service's, even when not shown).
   */
  service(row: q.ServiceRow, organization: OrukOrganization | undefined, sals: q.ServiceAtLocationRow[], showSals: boolean): OrukService {
    const o = row.organisationId;
    const at = new Set(sals.map((s) => s.locationId));
    const ownRows = <R extends { locationId: string | null }>(rows: R[]) => rows.filter((r) => r.locationId === null || !at.has(r.locationId));
    return out.service(row, {
      phones: ownRows(rowsOf(this.phonesByService, o, row.id)).map(this.phone),
      schedules: rowsOf(this.schedulesByService, o, row.id).map(this.schedule),
      service_areas: rowsOf(this.areasByService, o, row.id).map((a) => this.tagged('service_area', a, out.serviceArea(a))),
      ...(showSals ? { service_at_locations: sals.map((sal) => this.serviceAtLocation(sal)) } : {}),
      languages: rowsOf(this.languagesByService, o, row.id).map(this.language),
      organization,
      funding: rowsOf(this.fundingByService, o, row.id).map(this.funding),
      cost_options: rowsOf(this.costsByService, o, row.id).map((c) => this.tagged('cost_option', c, out.costOption(c))),
      contacts: ownRows(rowsOf(this.contactsByService, o, row.id)).map(this.contact),
      attributes: this.attributesOf('service', o, row.id),
    });
  }
}

/** Whose children a page needs. */
interface Wanted {
  services?: Key[];
  serviceAtLocations?: Key[];
  /** Locations to load fully nested. */
  locations?: Key[];
  /** Organizations whose own contacts, phones and funding to load. */
  organizations?: Key[];
}

/** Loads every child of the wanted parents: three rounds of statements, whatever their number. */
async function load(tx: Tx, wanted: Wanted): Promise<Page> {
  const services = wanted.services ?? [];
  const sals = wanted.serviceAtLocations ?? [];
  const locationKeys = wanted.locations ?? [];
  const organizations = wanted.organizations ?? [];
  const owners: q.Owners = { services, serviceAtLocations: sals, locations: locationKeys, organizations };
  const [locations, addresses, accessibility, contacts, schedules, languages, funding, areas, costs] = await Promise.all([
    q.locationsByKeys(tx, locationKeys),
    q.addressesOf(tx, locationKeys),
    q.accessibilityOf(tx, locationKeys),
    q.contactsOf(tx, owners),
    q.schedulesOf(tx, owners),
    q.languagesOf(tx, owners),
    q.fundingOf(tx, owners),
    q.serviceAreasOf(tx, services),
    q.costOptionsOf(tx, services),
  ]);
  const phones = await q.phonesOf(tx, owners, keysOf(contacts, (c) => c.id));
  const ids = <R extends { organisationId: string; id: string }>(rows: R[]) => keysOf(rows, (r) => r.id);
  const attributes = await q.attributesOf(tx, {
    service: services,
    service_at_location: sals,
    location: locationKeys,
    organization: organizations,
    contact: ids(contacts),
    phone: ids(phones),
    schedule: ids(schedules),
    language: ids(languages),
    funding: ids(funding),
    service_area: ids(areas),
    cost_option: ids(costs),
    address: ids(addresses),
    accessibility: ids(accessibility),
  });
  return new Page({ locations, addresses, accessibility, contacts, phones, schedules, languages, funding, areas, costs, attributes });
}

export interface OrganizationDepth {
  /** Contacts, phones, funding and attributes. */
  full: boolean;
  /** With its published services: 'list' (their own fields) or 'full' (fully nested). */
  services?: 'list' | 'full';
}

/** Organizations in the order given. */
export async function organizations(tx: Tx, rows: q.OrganizationRow[], depth: OrganizationDepth): Promise<OrukOrganization[]> {
  if (rows.length === 0) return [];
  if (!depth.full && !depth.services) return rows.map((row) => out.organization(row));
  const keys = keysOf(rows, (r) => r.id);
  const [page, servicesByOrg] = await Promise.all([
    depth.full ? load(tx, { organizations: keys }) : Promise.resolve(null),
    depth.services ? servicesOf(tx, keys, depth.services === 'full') : Promise.resolve(new Map<string, OrukService[]>()),
  ]);
  return rows.map((row) =>
    out.organization(row, {
      ...(page ? page.organizationChildren(row.organisationId, row.id) : {}),
      ...(depth.services ? { services: servicesByOrg.get(keyOf(row.organisationId, row.id)) ?? [] } : {}),
    }),
  );
}

async function servicesOf(tx: Tx, organizations: Key[], full: boolean): Promise<Map<string, OrukService[]>> {
  const rows = await q.servicesOfOrganizations(tx, organizations);
  const built = await services(tx, rows, { full, organization: false });
  const byOrg = new Map<string, OrukService[]>();
  rows.forEach((row, i) => {
    const key = keyOf(row.organisationId, row.directoryOrganizationId);
    byOrg.set(key, [...(byOrg.get(key) ?? []), built[i]!]);
  });
  return byOrg;
}

export interface ServiceDepth {
  /** Every child, as GET /services/{id}; otherwise the service's own fields (and organization). */
  full: boolean;
  /** Include the organization object (default true). */
  organization?: boolean;
}

/** The services' organizations, by key. */
async function organizationsOf(tx: Tx, rows: q.ServiceRow[], full: boolean): Promise<Map<string, OrukOrganization>> {
  const orgRows = await q.organizationsByKeys(tx, rows.map((r) => ({ organisationId: r.organisationId, id: r.directoryOrganizationId })));
  const json = await organizations(tx, orgRows, { full });
  return new Map(orgRows.map((row, i) => [keyOf(row.organisationId, row.id), json[i]!]));
}

/** Everything under the services: their service at locations, those locations, and all their children. */
async function servicePage(tx: Tx, rows: q.ServiceRow[]) {
  const keys = keysOf(rows, (r) => r.id);
  const sals = await q.serviceAtLocationsOfServices(tx, keys);
  const page = await load(tx, { services: keys, serviceAtLocations: keysOf(sals, (s) => s.id), locations: keysOf(sals, (s) => s.locationId) });
  const salsByService = index(sals, (s) => s.serviceId);
  return { page, salsOf: (row: q.ServiceRow) => rowsOf(salsByService, row.organisationId, row.id) };
}

/** Services in the order given, serialised to the depth asked. */
export async function services(tx: Tx, rows: q.ServiceRow[], depth: ServiceDepth): Promise<OrukService[]> {
  if (rows.length === 0) return [];
  const withOrganization = depth.organization ?? true;
  const [orgs, nested] = await Promise.all([
    withOrganization ? organizationsOf(tx, rows, depth.full) : Promise.resolve(new Map<string, OrukOrganization>()),
    depth.full ? servicePage(tx, rows) : Promise.resolve(null),
  ]);
  const organizationOf = (row: q.ServiceRow) => orgs.get(keyOf(row.organisationId, row.directoryOrganizationId));
  if (!nested) return rows.map((row) => out.service(row, { organization: organizationOf(row) }));
  return rows.map((row) => nested.page.service(row, organizationOf(row), nested.salsOf(row), true));
}

/**
 * Services at locations in the order given. List items carry the location's and the service's own
 * fields (with its organization); full ones nest the location, the service (without its service at
 * locations) and their children.
 */
export async function serviceAtLocations(tx: Tx, rows: q.ServiceAtLocationRow[], full: boolean): Promise<OrukServiceAtLocation[]> {
  if (rows.length === 0) return [];
  const serviceRows = await q.servicesByKeys(tx, keysOf(rows, (r) => r.serviceId));
  const serviceByKey = new Map(serviceRows.map((row) => [keyOf(row.organisationId, row.id), row]));
  const serviceOf = (row: q.ServiceAtLocationRow) => serviceByKey.get(keyOf(row.organisationId, row.serviceId));
  if (full) {
    const [orgs, nested] = await Promise.all([organizationsOf(tx, serviceRows, true), servicePage(tx, serviceRows)]);
    return rows.map((row) => {
      const service = serviceOf(row);
      const json = service ? nested.page.service(service, orgs.get(keyOf(service.organisationId, service.directoryOrganizationId)), nested.salsOf(service), false) : undefined;
      return nested.page.serviceAtLocation(row, json);
    });
  }
  const [serviceJson, locationRows] = await Promise.all([services(tx, serviceRows, { full: false }), q.locationsByKeys(tx, keysOf(rows, (r) => r.locationId))]);
  const services_ = new Map(serviceRows.map((row, i) => [keyOf(row.organisationId, row.id), serviceJson[i]!]));
  const locations = new Map(locationRows.map((l) => [keyOf(l.organisationId, l.id), l]));
  return rows.map((row) => {
    const location = locations.get(keyOf(row.organisationId, row.locationId));
    return out.serviceAtLocation(row, {
      ...(location ? { location: out.location(location) } : {}),
      service: services_.get(keyOf(row.organisationId, row.serviceId)),
    });
  });
}
