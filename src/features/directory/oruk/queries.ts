import { sql, type RawBuilder } from 'kysely';
import type { Tx } from '../../../platform/db/database.js';

/**
 * The SQL behind the ORUK API. Every statement starts from a published service or from rows keyed
 * by (curating organisation, id) that came from one, so a child row (a contact, a location) is only
 * ever reached through a published service of its own directory: a row another directory points at
 * someone else's service is never joined in. Lists are counted and paged in SQL; a page's children
 * are loaded with one statement per table for the whole page, never one per service.
 *
 * Only public columns are selected. `organisation_id` (the curating Linkwork organisation) is
 * selected to key rows and never serialised.
 */

/** A row's identity: ids of everything but services and taxonomies are unique only within a directory. */
export interface Key {
  organisationId: string;
  id: string;
}

export const keyOf = (organisationId: string, id: string): string => `${organisationId}|${id}`;

/**
 * `(organisation_id, <column>) IN (the keys)`, or nothing to match when there are no keys. The keys
 * travel as two array parameters, not two parameters a key: a page's children can number thousands.
 */
function keyed(columns: string, keys: Key[]): RawBuilder<boolean> | null {
  if (keys.length === 0) return null;
  const unique = dedupe(keys);
  const organisations = `{${unique.map((k) => k.organisationId).join(',')}}`;
  const ids = `{${unique.map((k) => k.id).join(',')}}`;
  return sql<boolean>`(${sql.raw(columns)}) IN (SELECT * FROM unnest(${organisations}::uuid[], ${ids}::uuid[]))`;
}

function dedupe(keys: Key[]): Key[] {
  const seen = new Map<string, Key>();
  for (const k of keys) seen.set(keyOf(k.organisationId, k.id), k);
  return [...seen.values()];
}

const and = (conditions: RawBuilder<boolean>[]) => sql<boolean>`${sql.join(conditions.map((c) => sql`(${c})`), sql` AND `)}`;

/** Runs `select … WHERE (a) OR (b) … ORDER BY …`; the select and order are constants of this file. */
async function rowsWhere<R>(tx: Tx, select: string, conditions: (RawBuilder<boolean> | null)[], order: string): Promise<R[]> {
  const present = conditions.filter((c): c is RawBuilder<boolean> => c !== null);
  if (present.length === 0) return [];
  const where = sql.join(present.map((c) => sql`(${c})`), sql` OR `);
  const result = await sql<R>`${sql.raw(select)} WHERE ${where} ORDER BY ${sql.raw(order)}`.execute(tx);
  return result.rows;
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

// --- services ------------------------------------------------------------------------------------

export interface ServiceRow {
  organisationId: string;
  id: string;
  directoryOrganizationId: string;
  name: string;
  alternateName: string | null;
  description: string | null;
  url: string | null;
  email: string | null;
  status: 'active' | 'inactive' | 'defunct' | 'temporarily closed';
  interpretationServices: string | null;
  applicationProcess: string | null;
  feesDescription: string | null;
  accreditations: string | null;
  eligibilityDescription: string | null;
  minimumAge: number | null;
  maximumAge: number | null;
  alert: string | null;
  assuredDate: string | Date | null;
  assurerEmail: string | null;
  lastModified: Date | string;
}

const SERVICE_COLUMNS = `s.organisation_id, s.id, s.directory_organization_id, s.name, s.alternate_name, s.description, s.url, s.email,
  s.status, s.interpretation_services, s.application_process, s.fees_description, s.accreditations, s.eligibility_description,
  s.minimum_age, s.maximum_age, s.alert, s.assured_date, s.assurer_email, s.last_modified`;

export interface ServiceFilters {
  search?: string;
  taxonomyTermId?: string;
  taxonomyId?: string;
  organizationId?: string;
  modifiedAfter?: Date;
  minimumAge?: number;
  maximumAge?: number;
  /** RFC 5545 day code: MO … SU. */
  day?: string;
  /** HH:MM:SS */
  startTime?: string;
  endTime?: string;
}

/** Conditions on the service aliased `s`. Always: published (row-level security says the same). */
function serviceConditions(f: ServiceFilters): RawBuilder<boolean>[] {
  const c: RawBuilder<boolean>[] = [sql<boolean>`s.published`];
  if (f.search) {
    c.push(sql<boolean>`s.search_document @@ websearch_to_tsquery('english', ${f.search}) OR s.name ILIKE ${likePattern(f.search)}`);
  }
  if (f.taxonomyTermId) {
    c.push(sql<boolean>`EXISTS (SELECT 1 FROM directory_attribute a
      WHERE a.organisation_id = s.organisation_id AND a.link_entity = 'service' AND a.link_id = s.id AND a.taxonomy_term_id = ${f.taxonomyTermId}::uuid)`);
  }
  if (f.taxonomyId) {
    c.push(sql<boolean>`EXISTS (SELECT 1 FROM directory_attribute a JOIN directory_taxonomy_term t ON t.id = a.taxonomy_term_id
      WHERE a.organisation_id = s.organisation_id AND a.link_entity = 'service' AND a.link_id = s.id AND t.taxonomy_id = ${f.taxonomyId}::uuid)`);
  }
  if (f.organizationId) c.push(sql<boolean>`s.directory_organization_id = ${f.organizationId}::uuid`);
  if (f.modifiedAfter) c.push(sql<boolean>`s.last_modified >= ${f.modifiedAfter.toISOString()}::timestamptz`);
  if (f.minimumAge !== undefined) c.push(sql<boolean>`s.minimum_age >= ${f.minimumAge}::numeric`);
  if (f.maximumAge !== undefined) c.push(sql<boolean>`s.maximum_age <= ${f.maximumAge}::numeric`);
  if (f.day || f.startTime || f.endTime) {
    // A service's own schedules, and those of its service at locations.
    const parts: RawBuilder<boolean>[] = [
      sql<boolean>`sc.organisation_id = s.organisation_id`,
      sql<boolean>`(sc.service_id = s.id OR sc.service_at_location_id IN (SELECT x.id FROM directory_service_at_location x WHERE x.organisation_id = s.organisation_id AND x.service_id = s.id))`,
    ];
    if (f.day) parts.push(sql<boolean>`${f.day} = ANY (string_to_array(upper(replace(coalesce(sc.byday, ''), ' ', '')), ','))`);
    if (f.startTime) parts.push(sql<boolean>`sc.opens_at >= ${f.startTime}::time`);
    if (f.endTime) parts.push(sql<boolean>`sc.closes_at <= ${f.endTime}::time`);
    c.push(sql<boolean>`EXISTS (SELECT 1 FROM directory_schedule sc WHERE ${and(parts)})`);
  }
  return c;
}

function serviceOrder(f: ServiceFilters) {
  return f.search
    ? sql`ts_rank(s.search_document, websearch_to_tsquery('english', ${f.search})) DESC, lower(s.name), s.id`
    : sql`lower(s.name), s.id`;
}

export async function countServices(tx: Tx, f: ServiceFilters): Promise<number> {
  const result = await sql<{ total: string | number }>`SELECT count(*) AS total FROM directory_service s WHERE ${and(serviceConditions(f))}`.execute(tx);
  return Number(result.rows[0]?.total ?? 0);
}

export async function pageOfServices(tx: Tx, f: ServiceFilters, limit: number, offset: number): Promise<ServiceRow[]> {
  const result = await sql<ServiceRow>`SELECT ${sql.raw(SERVICE_COLUMNS)} FROM directory_service s
    WHERE ${and(serviceConditions(f))} ORDER BY ${serviceOrder(f)} LIMIT ${limit} OFFSET ${offset}`.execute(tx);
  return result.rows;
}

/** One published service by id (service ids are unique across directories). */
export async function publishedService(tx: Tx, id: string): Promise<ServiceRow | undefined> {
  const result = await sql<ServiceRow>`SELECT ${sql.raw(SERVICE_COLUMNS)} FROM directory_service s WHERE s.published AND s.id = ${id}::uuid`.execute(tx);
  return result.rows[0];
}

export async function servicesByKeys(tx: Tx, keys: Key[]): Promise<ServiceRow[]> {
  const match = keyed('s.organisation_id, s.id', keys);
  if (!match) return [];
  const result = await sql<ServiceRow>`SELECT ${sql.raw(SERVICE_COLUMNS)} FROM directory_service s WHERE s.published AND ${match}`.execute(tx);
  return result.rows;
}

/** Published services of the given organizations, for /organizations. */
export async function servicesOfOrganizations(tx: Tx, organizations: Key[]): Promise<ServiceRow[]> {
  const match = keyed('s.organisation_id, s.directory_organization_id', organizations);
  if (!match) return [];
  const result = await sql<ServiceRow>`SELECT ${sql.raw(SERVICE_COLUMNS)} FROM directory_service s
    WHERE s.published AND ${match} ORDER BY lower(s.name), s.id`.execute(tx);
  return result.rows;
}

// --- services at locations -----------------------------------------------------------------------

export interface ServiceAtLocationRow {
  organisationId: string;
  id: string;
  serviceId: string;
  locationId: string;
  description: string | null;
}

export interface Near {
  latitude: number;
  longitude: number;
  /** Metres; without it results are ordered by distance but not limited. */
  proximity?: number;
  /** The searched postcode and its sector, district and area, upper case, for service areas that list postcodes. */
  postcodeKeys: string[];
}

const EARTH_RADIUS_METRES = 6_371_008.8;
const METRES_PER_DEGREE_LATITUDE = 111_320;

function distanceTo(near: Near) {
  const lat = sql`${near.latitude}::float8`;
  const lon = sql`${near.longitude}::float8`;
  return sql<number>`(2 * ${EARTH_RADIUS_METRES}::float8 * asin(least(1, sqrt(
      power(sin(radians(l.latitude - ${lat}) / 2), 2)
      + cos(radians(${lat})) * cos(radians(l.latitude)) * power(sin(radians(l.longitude - ${lon}) / 2), 2)))))`;
}

function nearConditions(near: Near): RawBuilder<boolean>[] {
  const c: RawBuilder<boolean>[] = [
    // A service whose service areas list postcodes must list this one (or its sector, district or area).
    sql<boolean>`NOT EXISTS (SELECT 1 FROM directory_service_area sa
        WHERE sa.organisation_id = s.organisation_id AND sa.service_id = s.id AND sa.extent_type ILIKE 'postcode%')
      OR EXISTS (SELECT 1 FROM directory_service_area sa
        CROSS JOIN LATERAL regexp_split_to_table(upper(coalesce(sa.extent, '')), '[,;]') AS token
        WHERE sa.organisation_id = s.organisation_id AND sa.service_id = s.id AND sa.extent_type ILIKE 'postcode%'
          AND btrim(regexp_replace(token, '\\s+', ' ', 'g')) IN (${sql.join(near.postcodeKeys)}))`,
  ];
  if (near.proximity !== undefined) {
    // A bounding box first (an index on latitude and longitude can serve it), then the great-circle distance.
    const dLat = near.proximity / METRES_PER_DEGREE_LATITUDE;
    const dLon = near.proximity / (METRES_PER_DEGREE_LATITUDE * Math.max(Math.cos((near.latitude * Math.PI) / 180), 0.01));
    c.push(sql<boolean>`l.latitude BETWEEN ${near.latitude - dLat}::float8 AND ${near.latitude + dLat}::float8`);
    c.push(sql<boolean>`l.longitude BETWEEN ${near.longitude - dLon}::float8 AND ${near.longitude + dLon}::float8`);
    c.push(sql<boolean>`${distanceTo(near)} <= ${near.proximity}::float8`);
  }
  return c;
}

function serviceAtLocationSource(f: ServiceFilters, near?: Near) {
  const conditions = [...serviceConditions(f), ...(near ? nearConditions(near) : [])];
  return sql`FROM directory_service_at_location sal
    JOIN directory_service s ON s.organisation_id = sal.organisation_id AND s.id = sal.service_id
    JOIN directory_location l ON l.organisation_id = sal.organisation_id AND l.id = sal.location_id
    WHERE ${and(conditions)}`;
}

export async function countServiceAtLocations(tx: Tx, f: ServiceFilters, near?: Near): Promise<number> {
  const result = await sql<{ total: string | number }>`SELECT count(*) AS total ${serviceAtLocationSource(f, near)}`.execute(tx);
  return Number(result.rows[0]?.total ?? 0);
}

export async function pageOfServiceAtLocations(tx: Tx, f: ServiceFilters, near: Near | undefined, limit: number, offset: number): Promise<ServiceAtLocationRow[]> {
  const order = near
    ? sql`${distanceTo(near)} ASC NULLS LAST, ${serviceOrder(f)}, sal.id`
    : sql`${serviceOrder(f)}, sal.id`;
  const result = await sql<ServiceAtLocationRow>`SELECT sal.organisation_id, sal.id, sal.service_id, sal.location_id, sal.description
    ${serviceAtLocationSource(f, near)} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`.execute(tx);
  return result.rows;
}

/** One service at a location of a published service. Ids are unique within a directory; the first directory wins. */
export async function publishedServiceAtLocation(tx: Tx, id: string): Promise<ServiceAtLocationRow | undefined> {
  const result = await sql<ServiceAtLocationRow>`SELECT sal.organisation_id, sal.id, sal.service_id, sal.location_id, sal.description
    ${serviceAtLocationSource({})} AND sal.id = ${id}::uuid ORDER BY sal.organisation_id LIMIT 1`.execute(tx);
  return result.rows[0];
}

export function serviceAtLocationsOfServices(tx: Tx, services: Key[]): Promise<ServiceAtLocationRow[]> {
  return rowsWhere(
    tx,
    'SELECT organisation_id, id, service_id, location_id, description FROM directory_service_at_location',
    [keyed('organisation_id, service_id', services)],
    'id',
  );
}

// --- organizations -------------------------------------------------------------------------------

export interface OrganizationRow {
  organisationId: string;
  id: string;
  name: string;
  alternateName: string | null;
  description: string | null;
  email: string | null;
  website: string | null;
  logo: string | null;
  uri: string | null;
}

const ORGANIZATION_COLUMNS = 'o.organisation_id, o.id, o.name, o.alternate_name, o.description, o.email, o.website, o.logo, o.uri';
/** An organization is public only while it provides at least one published service. */
const HAS_PUBLISHED_SERVICE = `EXISTS (SELECT 1 FROM directory_service s
  WHERE s.organisation_id = o.organisation_id AND s.directory_organization_id = o.id AND s.published)`;

function organizationConditions(search?: string): RawBuilder<boolean>[] {
  const c = [sql<boolean>`${sql.raw(HAS_PUBLISHED_SERVICE)}`];
  if (search) c.push(sql<boolean>`o.name ILIKE ${likePattern(search)} OR o.alternate_name ILIKE ${likePattern(search)}`);
  return c;
}

export async function countOrganizations(tx: Tx, search?: string): Promise<number> {
  const result = await sql<{ total: string | number }>`SELECT count(*) AS total FROM directory_organization o WHERE ${and(organizationConditions(search))}`.execute(tx);
  return Number(result.rows[0]?.total ?? 0);
}

export async function pageOfOrganizations(tx: Tx, search: string | undefined, limit: number, offset: number): Promise<OrganizationRow[]> {
  const result = await sql<OrganizationRow>`SELECT ${sql.raw(ORGANIZATION_COLUMNS)} FROM directory_organization o
    WHERE ${and(organizationConditions(search))} ORDER BY lower(o.name), o.id, o.organisation_id LIMIT ${limit} OFFSET ${offset}`.execute(tx);
  return result.rows;
}

/** Organization ids are unique within a directory; should two directories share one, the first wins. */
export async function publicOrganization(tx: Tx, id: string): Promise<OrganizationRow | undefined> {
  const result = await sql<OrganizationRow>`SELECT ${sql.raw(ORGANIZATION_COLUMNS)} FROM directory_organization o
    WHERE ${sql.raw(HAS_PUBLISHED_SERVICE)} AND o.id = ${id}::uuid ORDER BY o.organisation_id LIMIT 1`.execute(tx);
  return result.rows[0];
}

export function organizationsByKeys(tx: Tx, keys: Key[]): Promise<OrganizationRow[]> {
  return rowsWhere(tx, `SELECT ${ORGANIZATION_COLUMNS} FROM directory_organization o`, [keyed('o.organisation_id, o.id', keys)], 'o.id');
}

// --- locations and their children ----------------------------------------------------------------

export interface LocationRow {
  organisationId: string;
  id: string;
  locationType: 'physical' | 'postal' | 'virtual';
  name: string | null;
  description: string | null;
  url: string | null;
  latitude: number | null;
  longitude: number | null;
}

export function locationsByKeys(tx: Tx, keys: Key[]): Promise<LocationRow[]> {
  return rowsWhere(
    tx,
    'SELECT organisation_id, id, location_type, name, description, url, latitude, longitude FROM directory_location',
    [keyed('organisation_id, id', keys)],
    'id',
  );
}

export interface AddressRow {
  organisationId: string;
  id: string;
  locationId: string;
  attention: string | null;
  address1: string;
  address2: string | null;
  city: string;
  region: string | null;
  stateProvince: string;
  postalCode: string;
  country: string;
  addressType: 'physical' | 'postal' | 'virtual';
}

export function addressesOf(tx: Tx, locations: Key[]): Promise<AddressRow[]> {
  return rowsWhere(
    tx,
    `SELECT organisation_id, id, location_id, attention, address_1 AS address1, address_2 AS address2, city, region, state_province,
       postal_code, country, address_type FROM directory_address`,
    [keyed('organisation_id, location_id', locations)],
    'id',
  );
}

export interface AccessibilityRow {
  organisationId: string;
  id: string;
  locationId: string;
  description: string | null;
  details: string | null;
  url: string | null;
}

export function accessibilityOf(tx: Tx, locations: Key[]): Promise<AccessibilityRow[]> {
  return rowsWhere(tx, 'SELECT organisation_id, id, location_id, description, details, url FROM directory_accessibility', [keyed('organisation_id, location_id', locations)], 'id');
}

// --- children that may belong to a service, a location or an organization -------------------------

/** Whose children to load. Location and organization children are their own rows only (no service_id), so a location shared with an unpublished service never shows that service's contacts. */
export interface Owners {
  services?: Key[];
  locations?: Key[];
  organizations?: Key[];
  serviceAtLocations?: Key[];
}

/** `keyed(…)` with further conditions on the same row (constants of this file). */
function keyedWhere(columns: string, keys: Key[] | undefined, extra?: string): RawBuilder<boolean> | null {
  const c = keyed(columns, keys ?? []);
  if (!c) return null;
  return extra ? sql<boolean>`${c} AND ${sql.raw(extra)}` : c;
}

/** A location's or an organization's own rows: not those a service hangs on them. */
const LOCATION_OWN = 'service_id IS NULL';
const ORGANIZATION_OWN = 'service_id IS NULL AND location_id IS NULL';

export interface ContactRow {
  organisationId: string;
  id: string;
  serviceId: string | null;
  locationId: string | null;
  directoryOrganizationId: string | null;
  name: string | null;
  title: string | null;
  department: string | null;
  email: string | null;
}

export function contactsOf(tx: Tx, owners: Owners): Promise<ContactRow[]> {
  return rowsWhere(
    tx,
    'SELECT organisation_id, id, service_id, location_id, directory_organization_id, name, title, department, email FROM directory_contact',
    [
      keyedWhere('organisation_id, service_id', owners.services),
      keyedWhere('organisation_id, location_id', owners.locations, LOCATION_OWN),
      keyedWhere('organisation_id, directory_organization_id', owners.organizations, ORGANIZATION_OWN),
    ],
    'id',
  );
}

export interface PhoneRow {
  organisationId: string;
  id: string;
  serviceId: string | null;
  locationId: string | null;
  contactId: string | null;
  directoryOrganizationId: string | null;
  number: string;
  extension: string | null;
  type: string | null;
  description: string | null;
}

/** Phones of services, locations and organizations themselves (a contact's phones come with the contact), and of the given contacts. */
export function phonesOf(tx: Tx, owners: Owners, contacts: Key[]): Promise<PhoneRow[]> {
  return rowsWhere(
    tx,
    'SELECT organisation_id, id, service_id, location_id, contact_id, directory_organization_id, number, extension, type, description FROM directory_phone',
    [
      keyedWhere('organisation_id, service_id', owners.services, 'contact_id IS NULL'),
      keyedWhere('organisation_id, location_id', owners.locations, `${LOCATION_OWN} AND contact_id IS NULL`),
      keyedWhere('organisation_id, directory_organization_id', owners.organizations, `${ORGANIZATION_OWN} AND contact_id IS NULL`),
      keyedWhere('organisation_id, contact_id', contacts),
    ],
    'id',
  );
}

export interface ScheduleRow {
  organisationId: string;
  id: string;
  serviceId: string | null;
  locationId: string | null;
  serviceAtLocationId: string | null;
  validFrom: string | Date | null;
  validTo: string | Date | null;
  dtstart: string | Date | null;
  until: string | Date | null;
  freq: 'WEEKLY' | 'MONTHLY' | null;
  interval: number | null;
  byday: string | null;
  bymonthday: string | null;
  opensAt: string | null;
  closesAt: string | null;
  description: string | null;
  attendingType: string | null;
  notes: string | null;
}

/** A service's own schedules, its service at locations' schedules, and locations' own. */
export function schedulesOf(tx: Tx, owners: Owners): Promise<ScheduleRow[]> {
  return rowsWhere(
    tx,
    `SELECT organisation_id, id, service_id, location_id, service_at_location_id, valid_from, valid_to, dtstart, until, freq, interval,
       byday, bymonthday, opens_at::text AS opens_at, closes_at::text AS closes_at, description, attending_type, notes FROM directory_schedule`,
    [
      keyedWhere('organisation_id, service_id', owners.services, 'service_at_location_id IS NULL'),
      keyedWhere('organisation_id, service_at_location_id', owners.serviceAtLocations),
      keyedWhere('organisation_id, location_id', owners.locations, `${LOCATION_OWN} AND service_at_location_id IS NULL`),
    ],
    'id',
  );
}

export interface LanguageRow {
  organisationId: string;
  id: string;
  serviceId: string | null;
  locationId: string | null;
  name: string | null;
  code: string | null;
  note: string | null;
}

export function languagesOf(tx: Tx, owners: Owners): Promise<LanguageRow[]> {
  return rowsWhere(
    tx,
    'SELECT organisation_id, id, service_id, location_id, name, code, note FROM directory_language',
    [keyedWhere('organisation_id, service_id', owners.services), keyedWhere('organisation_id, location_id', owners.locations, LOCATION_OWN)],
    'id',
  );
}

export interface ServiceAreaRow {
  organisationId: string;
  id: string;
  serviceId: string;
  name: string | null;
  description: string | null;
  extent: string | null;
  extentType: string | null;
  uri: string | null;
}

export function serviceAreasOf(tx: Tx, services: Key[]): Promise<ServiceAreaRow[]> {
  return rowsWhere(tx, 'SELECT organisation_id, id, service_id, name, description, extent, extent_type, uri FROM directory_service_area', [keyed('organisation_id, service_id', services)], 'id');
}

export interface FundingRow {
  organisationId: string;
  id: string;
  serviceId: string | null;
  directoryOrganizationId: string | null;
  source: string | null;
}

export function fundingOf(tx: Tx, owners: Owners): Promise<FundingRow[]> {
  return rowsWhere(
    tx,
    'SELECT organisation_id, id, service_id, directory_organization_id, source FROM directory_funding',
    [keyedWhere('organisation_id, service_id', owners.services), keyedWhere('organisation_id, directory_organization_id', owners.organizations, 'service_id IS NULL')],
    'id',
  );
}

export interface CostOptionRow {
  organisationId: string;
  id: string;
  serviceId: string;
  validFrom: string | Date | null;
  validTo: string | Date | null;
  option: string | null;
  currency: string | null;
  amount: string | number | null;
  amountDescription: string | null;
}

export function costOptionsOf(tx: Tx, services: Key[]): Promise<CostOptionRow[]> {
  return rowsWhere(
    tx,
    'SELECT organisation_id, id, service_id, valid_from, valid_to, option, currency, amount, amount_description FROM directory_cost_option',
    [keyed('organisation_id, service_id', services)],
    'id',
  );
}

// --- attributes and taxonomies -------------------------------------------------------------------

/** The entities an attribute can hang on, named as the importer (and HSDS's table names) name them. */
export type LinkEntity =
  | 'service'
  | 'location'
  | 'organization'
  | 'service_at_location'
  | 'contact'
  | 'phone'
  | 'schedule'
  | 'language'
  | 'service_area'
  | 'funding'
  | 'cost_option'
  | 'address'
  | 'accessibility';

export interface AttributeRow {
  organisationId: string;
  id: string;
  linkId: string;
  linkType: string | null;
  linkEntity: string;
  taxonomyTermId: string;
  value: string | null;
  termCode: string | null;
  termName: string;
  termDescription: string | null;
  termParentId: string | null;
  termTaxonomyId: string | null;
  termLanguage: string | null;
  termUri: string | null;
  taxonomyName: string | null;
  taxonomyDescription: string | null;
  taxonomyUri: string | null;
  taxonomyVersion: string | null;
}

export function attributesOf(tx: Tx, links: Partial<Record<LinkEntity, Key[]>>): Promise<AttributeRow[]> {
  const conditions = (Object.entries(links) as [LinkEntity, Key[]][]).map(([entity, keys]) => {
    const c = keyed('a.organisation_id, a.link_id', keys);
    return c ? sql<boolean>`a.link_entity = ${entity} AND ${c}` : null;
  });
  return rowsWhere(
    tx,
    `SELECT a.organisation_id, a.id, a.link_id, a.link_type, a.link_entity, a.taxonomy_term_id, a.value,
       t.code AS term_code, t.name AS term_name, t.description AS term_description, t.parent_id AS term_parent_id,
       t.taxonomy_id AS term_taxonomy_id, t.language AS term_language, t.term_uri AS term_uri,
       x.name AS taxonomy_name, x.description AS taxonomy_description, x.uri AS taxonomy_uri, x.version AS taxonomy_version
     FROM directory_attribute a
     JOIN directory_taxonomy_term t ON t.id = a.taxonomy_term_id
     LEFT JOIN directory_taxonomy x ON x.id = t.taxonomy_id`,
    conditions,
    'lower(t.name), a.id',
  );
}

export interface TaxonomyRow {
  id: string;
  name: string;
  description: string | null;
  uri: string | null;
  version: string | null;
}

function taxonomySearch(search?: string) {
  return search ? sql<boolean>`name ILIKE ${likePattern(search)} OR description ILIKE ${likePattern(search)}` : sql<boolean>`true`;
}

export async function countTaxonomies(tx: Tx, search?: string): Promise<number> {
  const result = await sql<{ total: string | number }>`SELECT count(*) AS total FROM directory_taxonomy WHERE ${taxonomySearch(search)}`.execute(tx);
  return Number(result.rows[0]?.total ?? 0);
}

export async function pageOfTaxonomies(tx: Tx, search: string | undefined, limit: number, offset: number): Promise<TaxonomyRow[]> {
  const result = await sql<TaxonomyRow>`SELECT id, name, description, uri, version FROM directory_taxonomy
    WHERE ${taxonomySearch(search)} ORDER BY lower(name), id LIMIT ${limit} OFFSET ${offset}`.execute(tx);
  return result.rows;
}

export async function taxonomyById(tx: Tx, id: string): Promise<TaxonomyRow | undefined> {
  const result = await sql<TaxonomyRow>`SELECT id, name, description, uri, version FROM directory_taxonomy WHERE id = ${id}::uuid`.execute(tx);
  return result.rows[0];
}

export interface TaxonomyTermRow {
  id: string;
  code: string | null;
  name: string;
  description: string | null;
  parentId: string | null;
  taxonomyId: string | null;
  language: string | null;
  termUri: string | null;
  taxonomyName: string | null;
  taxonomyDescription: string | null;
  taxonomyUri: string | null;
  taxonomyVersion: string | null;
}

export interface TermFilters {
  search?: string;
  taxonomyId?: string;
  parentId?: string;
  topOnly?: boolean;
}

const TERM_SOURCE = `FROM directory_taxonomy_term t LEFT JOIN directory_taxonomy x ON x.id = t.taxonomy_id`;
const TERM_COLUMNS = `t.id, t.code, t.name, t.description, t.parent_id, t.taxonomy_id, t.language, t.term_uri,
  x.name AS taxonomy_name, x.description AS taxonomy_description, x.uri AS taxonomy_uri, x.version AS taxonomy_version`;

function termConditions(f: TermFilters): RawBuilder<boolean>[] {
  const c = [sql<boolean>`true`];
  if (f.search) c.push(sql<boolean>`t.name ILIKE ${likePattern(f.search)} OR t.code ILIKE ${likePattern(f.search)} OR t.description ILIKE ${likePattern(f.search)}`);
  if (f.taxonomyId) c.push(sql<boolean>`t.taxonomy_id = ${f.taxonomyId}::uuid`);
  if (f.parentId) c.push(sql<boolean>`t.parent_id = ${f.parentId}::uuid`);
  if (f.topOnly) c.push(sql<boolean>`t.parent_id IS NULL`);
  return c;
}

export async function countTaxonomyTerms(tx: Tx, f: TermFilters): Promise<number> {
  const result = await sql<{ total: string | number }>`SELECT count(*) AS total ${sql.raw(TERM_SOURCE)} WHERE ${and(termConditions(f))}`.execute(tx);
  return Number(result.rows[0]?.total ?? 0);
}

export async function pageOfTaxonomyTerms(tx: Tx, f: TermFilters, limit: number, offset: number): Promise<TaxonomyTermRow[]> {
  const result = await sql<TaxonomyTermRow>`SELECT ${sql.raw(TERM_COLUMNS)} ${sql.raw(TERM_SOURCE)}
    WHERE ${and(termConditions(f))} ORDER BY lower(x.name) NULLS LAST, lower(t.name), t.id LIMIT ${limit} OFFSET ${offset}`.execute(tx);
  return result.rows;
}

export async function taxonomyTermById(tx: Tx, id: string): Promise<TaxonomyTermRow | undefined> {
  const result = await sql<TaxonomyTermRow>`SELECT ${sql.raw(TERM_COLUMNS)} ${sql.raw(TERM_SOURCE)} WHERE t.id = ${id}::uuid`.execute(tx);
  return result.rows[0];
}
