import { createHash } from 'node:crypto';
import { CompiledQuery } from 'kysely';
import type { Tx } from '../../../platform/db/database.js';
import type { ReadNotes } from './fields.js';
import { uuidV5 } from './ids.js';
import {
  RecordRejected,
  type OrukAttribute,
  type OrukContact,
  type OrukLocation,
  type OrukOrganization,
  type OrukPhone,
  type OrukSchedule,
  type OrukService,
  type OrukTaxonomyTerm,
} from './model.js';

export interface WriteTarget {
  /** The Linkwork organisation curating the directory (the transaction must be in its scope). */
  organisationId: string;
  importId: string | null;
  /** Whether a newly created service is published; an update never changes it. */
  published: boolean;
}

/** A value bound into an unnest() array. */
type Value = string | number | boolean | null;
type Row = Record<string, Value>;

/**
 * Columns the importer writes, per table, in insert order (parents before children): the row key
 * (camelCase), the column and its type, for one `INSERT … SELECT * FROM unnest($1::uuid[], …)` per
 * table per batch, as the generator's bulk load does (generate/load.ts).
 */
const COLUMNS = {
  directoryAddress: [
    ['organisationId', 'organisation_id', 'uuid'], ['id', 'id', 'uuid'], ['locationId', 'location_id', 'uuid'], ['attention', 'attention', 'text'],
    ['address1', 'address_1', 'text'], ['address2', 'address_2', 'text'], ['city', 'city', 'text'], ['region', 'region', 'text'],
    ['stateProvince', 'state_province', 'text'], ['postalCode', 'postal_code', 'text'], ['country', 'country', 'text'], ['addressType', 'address_type', 'text'],
  ],
  directoryAccessibility: [
    ['organisationId', 'organisation_id', 'uuid'], ['id', 'id', 'uuid'], ['locationId', 'location_id', 'uuid'], ['description', 'description', 'text'],
    ['details', 'details', 'text'], ['url', 'url', 'text'],
  ],
  directoryServiceAtLocation: [
    ['organisationId', 'organisation_id', 'uuid'], ['id', 'id', 'uuid'], ['serviceId', 'service_id', 'uuid'], ['locationId', 'location_id', 'uuid'],
    ['description', 'description', 'text'],
  ],
  directoryContact: [
    ['organisationId', 'organisation_id', 'uuid'], ['id', 'id', 'uuid'], ['serviceId', 'service_id', 'uuid'], ['locationId', 'location_id', 'uuid'],
    ['directoryOrganizationId', 'directory_organization_id', 'uuid'], ['name', 'name', 'text'], ['title', 'title', 'text'], ['department', 'department', 'text'],
    ['email', 'email', 'text'],
  ],
  directoryPhone: [
    ['organisationId', 'organisation_id', 'uuid'], ['id', 'id', 'uuid'], ['serviceId', 'service_id', 'uuid'], ['locationId', 'location_id', 'uuid'],
    ['directoryOrganizationId', 'directory_organization_id', 'uuid'], ['contactId', 'contact_id', 'uuid'], ['number', 'number', 'text'],
    ['extension', 'extension', 'text'], ['type', 'type', 'text'], ['description', 'description', 'text'],
  ],
  directorySchedule: [
    ['organisationId', 'organisation_id', 'uuid'], ['id', 'id', 'uuid'], ['serviceId', 'service_id', 'uuid'], ['locationId', 'location_id', 'uuid'],
    ['serviceAtLocationId', 'service_at_location_id', 'uuid'], ['validFrom', 'valid_from', 'date'], ['validTo', 'valid_to', 'date'], ['dtstart', 'dtstart', 'date'],
    ['until', 'until', 'date'], ['freq', 'freq', 'text'], ['interval', 'interval', 'int4'], ['byday', 'byday', 'text'], ['bymonthday', 'bymonthday', 'text'],
    ['opensAt', 'opens_at', 'time'], ['closesAt', 'closes_at', 'time'], ['description', 'description', 'text'], ['attendingType', 'attending_type', 'text'],
    ['notes', 'notes', 'text'],
  ],
  directoryCostOption: [
    ['organisationId', 'organisation_id', 'uuid'], ['id', 'id', 'uuid'], ['serviceId', 'service_id', 'uuid'], ['validFrom', 'valid_from', 'date'],
    ['validTo', 'valid_to', 'date'], ['option', 'option', 'text'], ['currency', 'currency', 'text'], ['amount', 'amount', 'numeric'],
    ['amountDescription', 'amount_description', 'text'],
  ],
  directoryLanguage: [
    ['organisationId', 'organisation_id', 'uuid'], ['id', 'id', 'uuid'], ['serviceId', 'service_id', 'uuid'], ['locationId', 'location_id', 'uuid'],
    ['name', 'name', 'text'], ['code', 'code', 'text'], ['note', 'note', 'text'],
  ],
  directoryServiceArea: [
    ['organisationId', 'organisation_id', 'uuid'], ['id', 'id', 'uuid'], ['serviceId', 'service_id', 'uuid'], ['name', 'name', 'text'],
    ['description', 'description', 'text'], ['extent', 'extent', 'text'], ['extentType', 'extent_type', 'text'], ['uri', 'uri', 'text'],
  ],
  directoryFunding: [
    ['organisationId', 'organisation_id', 'uuid'], ['id', 'id', 'uuid'], ['serviceId', 'service_id', 'uuid'],
    ['directoryOrganizationId', 'directory_organization_id', 'uuid'], ['source', 'source', 'text'],
  ],
  directoryAttribute: [
    ['organisationId', 'organisation_id', 'uuid'], ['id', 'id', 'uuid'], ['linkId', 'link_id', 'uuid'], ['linkType', 'link_type', 'text'],
    ['linkEntity', 'link_entity', 'text'], ['taxonomyTermId', 'taxonomy_term_id', 'uuid'], ['value', 'value', 'text'], ['label', 'label', 'text'],
  ],
} as const satisfies Record<string, readonly (readonly [string, string, string])[]>;

/** The parent rows a batch inserts before the children above. */
const PARENT_COLUMNS = {
  directoryOrganization: [
    ['organisationId', 'organisation_id', 'uuid'], ['id', 'id', 'uuid'], ['sourceId', 'source_id', 'text'], ['name', 'name', 'text'],
    ['alternateName', 'alternate_name', 'text'], ['description', 'description', 'text'], ['email', 'email', 'text'], ['website', 'website', 'text'],
    ['logo', 'logo', 'text'], ['uri', 'uri', 'text'], ['importId', 'import_id', 'uuid'],
  ],
  directoryLocation: [
    ['organisationId', 'organisation_id', 'uuid'], ['id', 'id', 'uuid'], ['locationType', 'location_type', 'text'], ['name', 'name', 'text'],
    ['description', 'description', 'text'], ['url', 'url', 'text'], ['latitude', 'latitude', 'float8'], ['longitude', 'longitude', 'float8'],
    ['sourceId', 'source_id', 'text'],
  ],
  directoryService: [
    ['organisationId', 'organisation_id', 'uuid'], ['id', 'id', 'uuid'], ['sourceId', 'source_id', 'text'], ['published', 'published', 'bool'],
    ['directoryOrganizationId', 'directory_organization_id', 'uuid'], ['name', 'name', 'text'], ['alternateName', 'alternate_name', 'text'],
    ['description', 'description', 'text'], ['url', 'url', 'text'], ['email', 'email', 'text'], ['status', 'status', 'text'],
    ['interpretationServices', 'interpretation_services', 'text'], ['applicationProcess', 'application_process', 'text'],
    ['feesDescription', 'fees_description', 'text'], ['accreditations', 'accreditations', 'text'], ['eligibilityDescription', 'eligibility_description', 'text'],
    ['minimumAge', 'minimum_age', 'int4'], ['maximumAge', 'maximum_age', 'int4'], ['alert', 'alert', 'text'], ['assuredDate', 'assured_date', 'date'],
    ['assurerEmail', 'assurer_email', 'text'], ['lastModified', 'last_modified', 'timestamptz'], ['lastVerified', 'last_verified', 'date'],
    ['sourceHash', 'source_hash', 'text'], ['importId', 'import_id', 'uuid'],
  ],
} as const satisfies Record<string, readonly (readonly [string, string, string])[]>;

type ChildTable = keyof typeof COLUMNS;
type ParentTable = keyof typeof PARENT_COLUMNS;
type Rows = Record<ChildTable, Row[]>;

const ROW_ORDER = Object.keys(COLUMNS) as ChildTable[];

const TABLE_NAMES: Record<ChildTable | ParentTable, string> = {
  directoryOrganization: 'directory_organization',
  directoryLocation: 'directory_location',
  directoryService: 'directory_service',
  directoryAddress: 'directory_address',
  directoryAccessibility: 'directory_accessibility',
  directoryServiceAtLocation: 'directory_service_at_location',
  directoryContact: 'directory_contact',
  directoryPhone: 'directory_phone',
  directorySchedule: 'directory_schedule',
  directoryCostOption: 'directory_cost_option',
  directoryLanguage: 'directory_language',
  directoryServiceArea: 'directory_service_area',
  directoryFunding: 'directory_funding',
  directoryAttribute: 'directory_attribute',
};

function emptyRows(): Rows {
  return Object.fromEntries(ROW_ORDER.map((table) => [table, []])) as unknown as Rows;
}

const unnestStatements = new Map<string, string>();

/** Inserts `rows` into `table` with one statement: an array per column, unnested. */
async function insertUnnest(tx: Tx, table: ChildTable | ParentTable, rows: Row[], suffix = ''): Promise<{ id: string }[]> {
  if (rows.length === 0) return [];
  const columns = (table in COLUMNS ? COLUMNS[table as ChildTable] : PARENT_COLUMNS[table as ParentTable]) as readonly (readonly [string, string, string])[];
  const key = `${table}${suffix}`;
  let text = unnestStatements.get(key);
  if (!text) {
    text =
      `INSERT INTO ${TABLE_NAMES[table]} (${columns.map(([, name]) => name).join(', ')}) ` +
      `SELECT * FROM unnest(${columns.map(([, , type], i) => `$${i + 1}::${type}[]`).join(', ')})${suffix}`;
    unnestStatements.set(key, text);
  }
  const parameters = columns.map(([field]) => {
    const values = new Array<Value>(rows.length);
    for (let r = 0; r < rows.length; r++) values[r] = rows[r]![field] ?? null;
    return values;
  });
  const result = await tx.executeQuery<{ id: string }>(CompiledQuery.raw(text, parameters));
  return result.rows;
}

/** Who owns a phone, contact, schedule or language: the columns the export reads to nest it again. */
interface Owner {
  serviceId?: string | null;
  locationId?: string | null;
  directoryOrganizationId?: string | null;
}

/** A service the importer has read and found new or changed, with what it knows of it already. */
export interface ServiceToWrite {
  service: OrukService;
  hash: string;
  notes: ReadNotes;
  /** The stored service it updates (findExistingMany), or null for a new one. */
  known: ExistingService | null;
}

export interface BatchWriteResult {
  /** Per service, in the order given. */
  outcomes: ('created' | 'updated')[];
  learned: Learned;
}

/**
 * Writes services with their organizations, locations and every child row, inside the caller's
 * transaction: all of them or none (the importer writes a read batch of services in one transaction
 * and, when that fails, each service in its own, so a bad one is rejected alone). Statements are per
 * table, not per service: a handful of queries to find what exists, the deletes of what updated
 * rows owned, then one unnest INSERT per table. Matching is by the source id within the curating
 * organisation (then by id).
 *
 * Ownership: a service owns its service-at-locations, contacts, phones, schedules, cost options,
 * languages, service areas, funding and attributes, replaced on update. Locations and organizations
 * may be shared by several services: they are upserted by id, their own children replaced, and a
 * location no service uses any more is removed. An organization or location already written in this
 * run with the same details (the cache) is not written again.
 */
export async function writeServices(tx: Tx, target: WriteTarget, items: ServiceToWrite[], cache: WriteCache): Promise<BatchWriteResult> {
  const org = target.organisationId;
  const learned = emptyLearned();
  const rows = emptyRows();

  const attributesOf = items.map((item) => collectAttributes(item.service));
  const terms = await ensureTerms(tx, attributesOf.flat(), cache, learned);
  for (const [index, list] of attributesOf.entries()) {
    for (const a of list) {
      if (a.taxonomy_term.name === '' && !terms.has(a.taxonomy_term.id)) {
        items[index]!.notes.adjusted.add(`attributes[].taxonomy_term_id: a term Linkwork does not know (${a.taxonomy_term.id}), attribute left out`);
      }
    }
  }
  const attributes = (entity: string, id: string, list: OrukAttribute[]) => pushAttributes(rows, org, terms, entity, id, list);

  // What must be written: organizations and locations not already written in this run as they are
  // now (the last version in the batch wins, as it would written one service after another).
  const organizations = new Map<string, { organization: OrukOrganization; hash: string }>();
  for (const { service } of items) {
    if (!service.organization) continue;
    const hash = contentHash(service.organization);
    const seen = cache.organizations.get(service.organization.source_id);
    if (seen && seen.hash === hash) continue;
    organizations.set(service.organization.source_id, { organization: service.organization, hash });
  }
  const locations = new Map<string, { location: OrukLocation; hash: string }>();
  for (const { service } of items) {
    for (const { location } of service.service_at_locations) {
      const hash = contentHash(location);
      if (cache.locations.get(location.id) === hash) continue;
      locations.set(location.id, { location, hash });
    }
  }
  const updated = items.filter((item) => item.known !== null).map((item) => item.known!.id);

  // 1. What exists already, and the deletes of what those rows own.
  const organizationIds = await existingOrganizations(tx, org, [...organizations.values()].map((o) => o.organization));
  const existingLocations = await existingIds(tx, 'directoryLocation', org, [...locations.keys()]);
  const oldLocations = await deleteServiceChildren(tx, org, updated);
  if (organizationIds.size > 0) {
    const ids = [...organizationIds.values()];
    await deleteOwned(tx, org, 'directoryOrganizationId', ids, ['directoryPhone', 'directoryContact'], { serviceId: null, locationId: null });
    await deleteOwned(tx, org, 'directoryOrganizationId', ids, ['directoryFunding'], { serviceId: null });
  }
  await deleteLocationChildren(tx, org, [...existingLocations]);

  // 2. Organizations and locations, with their children.
  const newOrganizations: Row[] = [];
  for (const [sourceId, { organization, hash }] of organizations) {
    const row = {
      name: organization.name,
      alternateName: organization.alternate_name,
      description: organization.description,
      email: organization.email,
      website: organization.website,
      logo: organization.logo,
      uri: organization.uri,
      importId: target.importId,
    };
    let id = organizationIds.get(sourceId);
    if (id) await tx.updateTable('directoryOrganization').set({ ...row, updatedAt: new Date() }).where('organisationId', '=', org).where('id', '=', id).execute();
    else {
      id = organization.id;
      newOrganizations.push({ ...row, organisationId: org, id, sourceId });
    }
    learned.organizations.set(sourceId, { id, hash });
    pushOrganizationChildren(rows, org, id, organization, attributes);
  }
  await insertUnnest(tx, 'directoryOrganization', newOrganizations);

  const newLocations: Row[] = [];
  for (const { location, hash } of locations.values()) {
    const row = {
      locationType: location.location_type,
      name: location.name,
      description: location.description,
      url: location.url,
      latitude: location.latitude,
      longitude: location.longitude,
      sourceId: location.id,
    };
    if (existingLocations.has(location.id)) {
      await tx.updateTable('directoryLocation').set(row).where('organisationId', '=', org).where('id', '=', location.id).execute();
    } else newLocations.push({ ...row, organisationId: org, id: location.id });
    learned.locations.set(location.id, hash);
    pushLocationChildren(rows, org, location, attributes);
  }
  await insertUnnest(tx, 'directoryLocation', newLocations);

  // 3. Services: organizations named only by id must be in the directory (or this batch) by now.
  const named = await findOrganizations(tx, org, items.flatMap(({ service }) => (service.organization ? [] : [service.organization_id!])));
  const serviceRows = items.map(({ service, hash }) => ({
    directoryOrganizationId: service.organization
      ? (learned.organizations.get(service.organization.source_id) ?? cache.organizations.get(service.organization.source_id))!.id
      : named.get(service.organization_id!)!,
    name: service.name,
    alternateName: service.alternate_name,
    description: service.description,
    url: service.url,
    email: service.email,
    status: service.status,
    interpretationServices: service.interpretation_services,
    applicationProcess: service.application_process,
    feesDescription: service.fees_description,
    accreditations: service.accreditations,
    eligibilityDescription: service.eligibility_description,
    minimumAge: service.minimum_age,
    maximumAge: service.maximum_age,
    alert: service.alert,
    assuredDate: service.assured_date,
    assurerEmail: service.assurer_email,
    lastModified: service.last_modified ?? new Date().toISOString(),
    lastVerified: service.assured_date ?? (service.last_modified ? service.last_modified.slice(0, 10) : null),
    sourceHash: hash,
    importId: target.importId,
  }));
  const serviceIds = await writeServiceRows(tx, target, items, serviceRows);

  // 4. Everything the services own, one statement per table.
  const used = new Set<string>();
  for (const [index, { service }] of items.entries()) {
    const serviceId = serviceIds[index]!;
    attributes('service', serviceId, service.attributes);
    pushPhones(rows, org, { serviceId }, service.phones, attributes);
    pushContacts(rows, org, { serviceId }, service.contacts, attributes);
    pushSchedules(rows, org, { serviceId }, null, service.schedules, attributes);
    for (const cost of service.cost_options) {
      rows.directoryCostOption.push({
        organisationId: org,
        id: cost.id,
        serviceId,
        validFrom: cost.valid_from,
        validTo: cost.valid_to,
        option: cost.option,
        currency: cost.currency,
        amount: cost.amount,
        amountDescription: cost.amount_description,
      });
      attributes('cost_option', cost.id, cost.attributes);
    }
    for (const language of service.languages) {
      rows.directoryLanguage.push({ organisationId: org, id: language.id, serviceId, locationId: null, name: language.name, code: language.code, note: language.note });
      attributes('language', language.id, language.attributes);
    }
    for (const area of service.service_areas) {
      rows.directoryServiceArea.push({
        organisationId: org,
        id: area.id,
        serviceId,
        name: area.name,
        description: area.description,
        extent: area.extent,
        extentType: area.extent_type,
        uri: area.uri,
      });
      attributes('service_area', area.id, area.attributes);
    }
    for (const funding of service.funding) {
      rows.directoryFunding.push({ organisationId: org, id: funding.id, serviceId, directoryOrganizationId: null, source: funding.source });
      attributes('funding', funding.id, funding.attributes);
    }
    for (const sal of service.service_at_locations) {
      const locationId = sal.location.id;
      used.add(locationId);
      rows.directoryServiceAtLocation.push({ organisationId: org, id: sal.id, serviceId, locationId, description: sal.description });
      attributes('service_at_location', sal.id, sal.attributes);
      pushPhones(rows, org, { serviceId, locationId }, sal.phones, attributes);
      pushContacts(rows, org, { serviceId, locationId }, sal.contacts, attributes);
      pushSchedules(rows, org, { serviceId }, sal.id, sal.schedules, attributes);
    }
  }
  for (const table of ROW_ORDER) await insertUnnest(tx, table, rows[table]);

  learned.removedLocations = await removeUnusedLocations(
    tx,
    org,
    oldLocations.filter((id) => !used.has(id)),
  );
  return { outcomes: items.map((item) => (item.known ? 'updated' : 'created')), learned };
}

/**
 * Updates the services that exist and inserts the new ones; returns each one's id. Service ids are
 * unique across all directories: when another organisation already holds one (the same feed curated
 * twice), this directory gets a stable id of its own.
 */
async function writeServiceRows(tx: Tx, target: WriteTarget, items: ServiceToWrite[], rows: Row[]): Promise<string[]> {
  const org = target.organisationId;
  const ids: string[] = new Array(items.length);
  const fresh: number[] = [];
  const changed: Row[] = [];
  for (const [index, item] of items.entries()) {
    if (item.known) {
      ids[index] = item.known.id;
      changed.push({ ...rows[index]!, id: item.known.id });
    } else fresh.push(index);
  }
  await updateServices(tx, org, changed);
  if (fresh.length === 0) return ids;
  const insert = (index: number, id: string): Row => ({ ...rows[index]!, organisationId: org, id, sourceId: items[index]!.service.source_id, published: target.published });
  const inserted = await insertUnnest(tx, 'directoryService', fresh.map((index) => insert(index, items[index]!.service.id)), ' ON CONFLICT DO NOTHING RETURNING id');
  const taken = new Set(inserted.map((r) => r.id));
  const elsewhere: Row[] = [];
  for (const index of fresh) {
    const id = items[index]!.service.id;
    if (taken.delete(id)) ids[index] = id;
    else {
      ids[index] = uuidV5(`service:${org}:${id}`);
      elsewhere.push(insert(index, ids[index]));
    }
  }
  await insertUnnest(tx, 'directoryService', elsewhere);
  return ids;
}

/** The service columns an update replaces: all but the keys, the source id and publication. */
const UPDATED_SERVICE_COLUMNS = PARENT_COLUMNS.directoryService.filter(([field]) => !['organisationId', 'id', 'sourceId', 'published'].includes(field));

/** Updates changed services (`rows` keyed by id) with one statement: an array per column, unnested and joined on id. */
async function updateServices(tx: Tx, org: string, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = [['id', 'id', 'uuid'] as const, ...UPDATED_SERVICE_COLUMNS];
  let text = unnestStatements.get('directoryService update');
  if (!text) {
    text =
      `UPDATE directory_service AS s SET ${UPDATED_SERVICE_COLUMNS.map(([, name]) => `${name} = u.${name}`).join(', ')} ` +
      `FROM unnest(${columns.map(([, , type], i) => `$${i + 1}::${type}[]`).join(', ')}) AS u(${columns.map(([, name]) => name).join(', ')}) ` +
      `WHERE s.organisation_id = $${columns.length + 1}::uuid AND s.id = u.id`;
    unnestStatements.set('directoryService update', text);
  }
  const parameters: unknown[] = columns.map(([field]) => rows.map((row) => row[field] ?? null));
  parameters.push(org);
  await tx.executeQuery(CompiledQuery.raw(text, parameters));
}

/** Hash of an organization's or location's details, to tell whether this run wrote it as it is. */
function contentHash(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('base64');
}

export interface ExistingService {
  id: string;
  sourceId: string | null;
  sourceHash: string | null;
}

/**
 * What one import run has learned that later services can reuse: terms known to exist, and the
 * organizations and locations written so far with a hash of their details. Fill it only after a
 * transaction commits (`rememberWrite`), so a rolled-back batch cannot leave a false memory.
 */
export interface WriteCache {
  terms: Map<string, string>;
  /** By source id. */
  organizations: Map<string, { id: string; hash: string }>;
  /** Location id → hash. */
  locations: Map<string, string>;
}

export function newWriteCache(): WriteCache {
  return { terms: new Map(), organizations: new Map(), locations: new Map() };
}

interface Learned {
  terms: Map<string, string>;
  organizations: Map<string, { id: string; hash: string }>;
  locations: Map<string, string>;
  /** Locations no service used any more, deleted. */
  removedLocations: string[];
}

function emptyLearned(): Learned {
  return { terms: new Map(), organizations: new Map(), locations: new Map(), removedLocations: [] };
}

export function rememberWrite(cache: WriteCache, learned: Learned): void {
  for (const [key, value] of learned.terms) cache.terms.set(key, value);
  for (const [key, value] of learned.organizations) cache.organizations.set(key, value);
  for (const [key, value] of learned.locations) cache.locations.set(key, value);
  for (const id of learned.removedLocations) cache.locations.delete(id);
}

/** The services records update: same source id in this directory, else the same id; null for new ones. */
export async function findExistingMany(tx: Tx, org: string, services: Pick<OrukService, 'source_id' | 'id'>[]): Promise<(ExistingService | null)[]> {
  if (services.length === 0) return [];
  const rows = await tx
    .selectFrom('directoryService')
    .select(['id', 'sourceId', 'sourceHash'])
    .where('organisationId', '=', org)
    .where((eb) => eb.or([eb('sourceId', 'in', services.map((s) => s.source_id)), eb('id', 'in', services.map((s) => s.id))]))
    .execute();
  const bySource = new Map(rows.filter((r) => r.sourceId !== null).map((r) => [r.sourceId!, r]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return services.map((s) => bySource.get(s.source_id) ?? byId.get(s.id) ?? null);
}

type PushAttributes = (entity: string, id: string, list: OrukAttribute[]) => void;

function pushAttributes(rows: Rows, org: string, terms: TermIds, entity: string, id: string, list: OrukAttribute[]): void {
  for (const attribute of list) {
    const termId = terms.get(attribute.taxonomy_term.id);
    if (!termId) continue; // an unknown term named only by id: reported when the terms were resolved
    rows.directoryAttribute.push({
      organisationId: org,
      id: attribute.id,
      linkId: id,
      linkType: attribute.link_type,
      linkEntity: entity,
      taxonomyTermId: termId,
      value: attribute.value,
      label: null,
    });
  }
}

function pushPhones(rows: Rows, org: string, owner: Owner, phones: OrukPhone[], attributes: PushAttributes, contactId: string | null = null): void {
  for (const phone of phones) {
    rows.directoryPhone.push({
      organisationId: org,
      id: phone.id,
      serviceId: owner.serviceId ?? null,
      locationId: owner.locationId ?? null,
      directoryOrganizationId: owner.directoryOrganizationId ?? null,
      contactId,
      number: phone.number,
      extension: phone.extension,
      type: phone.type,
      description: phone.description,
    });
    attributes('phone', phone.id, phone.attributes);
  }
}

function pushContacts(rows: Rows, org: string, owner: Owner, contacts: OrukContact[], attributes: PushAttributes): void {
  for (const contact of contacts) {
    rows.directoryContact.push({
      organisationId: org,
      id: contact.id,
      serviceId: owner.serviceId ?? null,
      locationId: owner.locationId ?? null,
      directoryOrganizationId: owner.directoryOrganizationId ?? null,
      name: contact.name,
      title: contact.title,
      department: contact.department,
      email: contact.email,
    });
    attributes('contact', contact.id, contact.attributes);
    pushPhones(rows, org, owner, contact.phones, attributes, contact.id);
  }
}

function pushSchedules(rows: Rows, org: string, owner: Owner, serviceAtLocationId: string | null, schedules: OrukSchedule[], attributes: PushAttributes): void {
  for (const s of schedules) {
    rows.directorySchedule.push({
      organisationId: org,
      id: s.id,
      serviceId: owner.serviceId ?? null,
      locationId: owner.locationId ?? null,
      serviceAtLocationId,
      validFrom: s.valid_from,
      validTo: s.valid_to,
      dtstart: s.dtstart,
      until: s.until,
      freq: s.freq,
      interval: s.interval,
      byday: s.byday,
      bymonthday: s.bymonthday,
      opensAt: s.opens_at,
      closesAt: s.closes_at,
      description: s.description,
      attendingType: s.attending_type,
      notes: s.notes,
    });
    attributes('schedule', s.id, s.attributes);
  }
}

/** Organizations named by id (or source id) in records without one nested: id or source id → id. */
async function findOrganizations(tx: Tx, org: string, named: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (named.length === 0) return found;
  const wanted = [...new Set(named)];
  const rows = await tx
    .selectFrom('directoryOrganization')
    .select(['id', 'sourceId'])
    .where('organisationId', '=', org)
    .where((eb) => eb.or([eb('id', 'in', wanted), eb('sourceId', 'in', wanted)]))
    .execute();
  for (const name of wanted) {
    const row = rows.find((r) => r.id === name) ?? rows.find((r) => r.sourceId === name);
    if (!row) throw new RecordRejected(`its organization ${name} is neither in the record nor already in this directory`);
    found.set(name, row.id);
  }
  return found;
}

/** The stored ids of organizations already in the directory, by source id (matched by source id, then by id). */
async function existingOrganizations(tx: Tx, org: string, organizations: OrukOrganization[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (organizations.length === 0) return found;
  const rows = await tx
    .selectFrom('directoryOrganization')
    .select(['id', 'sourceId'])
    .where('organisationId', '=', org)
    .where((eb) => eb.or([eb('sourceId', 'in', organizations.map((o) => o.source_id)), eb('id', 'in', organizations.map((o) => o.id))]))
    .execute();
  const bySource = new Map(rows.map((r) => [r.sourceId, r.id]));
  const byId = new Set(rows.map((r) => r.id));
  for (const o of organizations) {
    const id = bySource.get(o.source_id) ?? (byId.has(o.id) ? o.id : undefined);
    if (id) found.set(o.source_id, id);
  }
  return found;
}

async function existingIds(tx: Tx, table: 'directoryLocation', org: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.selectFrom(table).select('id').where('organisationId', '=', org).where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

function pushOrganizationChildren(rows: Rows, org: string, id: string, organization: OrukOrganization, attributes: PushAttributes): void {
  attributes('organization', id, organization.attributes);
  pushPhones(rows, org, { directoryOrganizationId: id }, organization.phones, attributes);
  pushContacts(rows, org, { directoryOrganizationId: id }, organization.contacts, attributes);
  for (const funding of organization.funding) {
    rows.directoryFunding.push({ organisationId: org, id: funding.id, serviceId: null, directoryOrganizationId: id, source: funding.source });
    attributes('funding', funding.id, funding.attributes);
  }
}

function pushLocationChildren(rows: Rows, org: string, location: OrukLocation, attributes: PushAttributes): void {
  const locationId = location.id;
  attributes('location', locationId, location.attributes);
  for (const address of location.addresses) {
    rows.directoryAddress.push({
      organisationId: org,
      id: address.id,
      locationId,
      attention: address.attention,
      address1: address.address_1,
      address2: address.address_2,
      city: address.city,
      region: address.region,
      stateProvince: address.state_province,
      postalCode: address.postal_code,
      country: address.country,
      addressType: address.address_type,
    });
    attributes('address', address.id, address.attributes);
  }
  for (const a of location.accessibility) {
    rows.directoryAccessibility.push({ organisationId: org, id: a.id, locationId, description: a.description, details: a.details, url: a.url });
    attributes('accessibility', a.id, a.attributes);
  }
  pushPhones(rows, org, { locationId }, location.phones, attributes);
  pushContacts(rows, org, { locationId }, location.contacts, attributes);
  pushSchedules(rows, org, { locationId }, null, location.schedules, attributes);
  for (const language of location.languages) {
    rows.directoryLanguage.push({ organisationId: org, id: language.id, serviceId: null, locationId, name: language.name, code: language.code, note: language.note });
    attributes('language', language.id, language.attributes);
  }
}

type OwnedTable = 'directoryPhone' | 'directoryContact' | 'directorySchedule' | 'directoryLanguage' | 'directoryFunding' | 'directoryCostOption' | 'directoryServiceArea' | 'directoryAccessibility' | 'directoryAddress' | 'directoryServiceAtLocation';

/**
 * Deletes the rows of `tables` whose `column` is `id` (and whose other owner columns are null, as
 * given), with the attributes that hang on them. Returns the deleted ids.
 */
async function deleteOwned(
  tx: Tx,
  org: string,
  column: 'serviceId' | 'locationId' | 'directoryOrganizationId',
  id: string | string[],
  tables: OwnedTable[],
  nullColumns: Partial<Record<'serviceId' | 'locationId' | 'directoryOrganizationId', null>> = {},
): Promise<string[]> {
  const ids = Array.isArray(id) ? id : [id];
  if (ids.length === 0) return [];
  const deleted: string[] = [];
  for (const table of tables) {
    // Not every table has every owner column; the caller names only tables that have these.
    let query = tx.deleteFrom(table as 'directoryPhone').where('organisationId', '=', org).where(column as 'serviceId', 'in', ids);
    for (const name of Object.keys(nullColumns) as ('serviceId' | 'locationId' | 'directoryOrganizationId')[]) {
      query = query.where(name, 'is', null);
    }
    const rows = await query.returning('id').execute();
    deleted.push(...rows.map((r) => r.id));
  }
  const linked = [...ids, ...deleted];
  await tx.deleteFrom('directoryAttribute').where('organisationId', '=', org).where('linkId', 'in', linked).execute();
  return deleted;
}

/** Removes what services own before they are written again; returns the locations they used. */
async function deleteServiceChildren(tx: Tx, org: string, serviceIds: string[]): Promise<string[]> {
  if (serviceIds.length === 0) return [];
  const sals = await tx.selectFrom('directoryServiceAtLocation').select('locationId').where('organisationId', '=', org).where('serviceId', 'in', serviceIds).execute();
  await deleteOwned(tx, org, 'serviceId', serviceIds, [
    'directoryPhone',
    'directoryContact',
    'directorySchedule',
    'directoryCostOption',
    'directoryLanguage',
    'directoryServiceArea',
    'directoryFunding',
    'directoryServiceAtLocation',
  ]);
  return [...new Set(sals.map((s) => s.locationId))];
}

async function deleteLocationChildren(tx: Tx, org: string, locationIds: string[]): Promise<void> {
  if (locationIds.length === 0) return;
  await deleteOwned(tx, org, 'locationId', locationIds, ['directoryPhone', 'directoryContact', 'directorySchedule', 'directoryLanguage'], { serviceId: null });
  await deleteOwned(tx, org, 'locationId', locationIds, ['directoryAddress', 'directoryAccessibility']);
}

/** Deletes the candidates no service uses any more; returns those deleted. */
async function removeUnusedLocations(tx: Tx, org: string, candidates: string[]): Promise<string[]> {
  if (candidates.length === 0) return [];
  const stillUsed = await tx
    .selectFrom('directoryServiceAtLocation')
    .select('locationId')
    .where('organisationId', '=', org)
    .where('locationId', 'in', candidates)
    .execute();
  const used = new Set(stillUsed.map((r) => r.locationId));
  const unused = candidates.filter((id) => !used.has(id));
  if (unused.length === 0) return [];
  await deleteLocationChildren(tx, org, unused);
  await tx.deleteFrom('directoryLocation').where('organisationId', '=', org).where('id', 'in', unused).execute();
  return unused;
}

function collectAttributes(service: OrukService): OrukAttribute[] {
  const out: OrukAttribute[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'attributes' && Array.isArray(inner)) out.push(...(inner as OrukAttribute[]));
        else walk(inner);
      }
    }
  };
  walk(service);
  return out;
}

/** Source term id → the term id stored (the same, or an existing term with the same code). */
type TermIds = Map<string, string>;

/**
 * Taxonomies and terms are shared reference data: a term the database has is used as it is (never
 * changed by an import); a new one is added with its taxonomy. A parent the database does not know
 * is left off. A term named only by id that the database does not know cannot be kept.
 */
async function ensureTerms(tx: Tx, attributes: OrukAttribute[], cache: WriteCache, learned: Learned): Promise<TermIds> {
  const map: TermIds = new Map();
  if (attributes.length === 0) return map;
  const terms = new Map<string, OrukTaxonomyTerm>();
  for (const a of attributes) {
    const cached = cache.terms.get(a.taxonomy_term.id);
    if (cached) map.set(a.taxonomy_term.id, cached);
    else terms.set(a.taxonomy_term.id, a.taxonomy_term);
  }
  if (terms.size === 0) return map;
  try {
    return await resolveTerms(tx, terms, map);
  } finally {
    for (const id of terms.keys()) {
      const resolved = map.get(id);
      if (resolved) learned.terms.set(id, resolved);
    }
  }
}

async function resolveTerms(tx: Tx, terms: Map<string, OrukTaxonomyTerm>, map: TermIds): Promise<TermIds> {
  const wanted = new Set<string>([...terms.keys(), ...[...terms.values()].flatMap((t) => (t.parent_id ? [t.parent_id] : []))]);
  const known = new Set(
    (await tx.selectFrom('directoryTaxonomyTerm').select('id').where('id', 'in', [...wanted]).execute()).map((r) => r.id),
  );
  const missing = [...terms.values()].filter((t) => !known.has(t.id));
  for (const t of terms.values()) if (known.has(t.id)) map.set(t.id, t.id);
  if (missing.length === 0) return map;

  const taxonomies = new Map(missing.flatMap((t) => (t.taxonomy_detail ? [[t.taxonomy_detail.id, t.taxonomy_detail] as const] : [])));
  if (taxonomies.size > 0) {
    await tx
      .insertInto('directoryTaxonomy')
      .values([...taxonomies.values()].map((x) => ({ id: x.id, name: x.name, description: x.description, uri: x.uri, version: x.version })))
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
  const taxonomyIds = [...new Set(missing.flatMap((t) => (t.taxonomy_id ? [t.taxonomy_id] : [])))];
  const knownTaxonomies = new Set(
    taxonomyIds.length ? (await tx.selectFrom('directoryTaxonomy').select('id').where('id', 'in', taxonomyIds).execute()).map((r) => r.id) : [],
  );

  // A term named only by id that the database does not know: writeServices notes it on its services.
  const insertable = missing.filter((t) => t.name !== '');
  // Parents first, so a parent in the same record can be linked.
  const ordered = orderParentsFirst(insertable);
  for (const t of ordered) {
    const parent = t.parent_id && (known.has(t.parent_id) || map.has(t.parent_id)) ? (map.get(t.parent_id) ?? t.parent_id) : null;
    const taxonomyId = t.taxonomy_id && knownTaxonomies.has(t.taxonomy_id) ? t.taxonomy_id : null;
    const inserted = await tx
      .insertInto('directoryTaxonomyTerm')
      .values({ id: t.id, code: t.code, name: t.name, description: t.description, parentId: parent, taxonomyId, language: t.language, termUri: t.term_uri })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) {
      map.set(t.id, t.id);
      continue;
    }
    // Another term has this code in this taxonomy (or another import added the id meanwhile).
    const same = await tx
      .selectFrom('directoryTaxonomyTerm')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', t.id), ...(t.code && taxonomyId ? [eb.and([eb('code', '=', t.code), eb('taxonomyId', '=', taxonomyId)])] : [])]))
      .executeTakeFirst();
    if (same) map.set(t.id, same.id);
  }
  return map;
}

function orderParentsFirst(terms: OrukTaxonomyTerm[]): OrukTaxonomyTerm[] {
  const byId = new Map(terms.map((t) => [t.id, t]));
  const out: OrukTaxonomyTerm[] = [];
  const seen = new Set<string>();
  const visit = (t: OrukTaxonomyTerm, depth: number) => {
    if (seen.has(t.id) || depth > 50) return;
    seen.add(t.id);
    const parent = t.parent_id ? byId.get(t.parent_id) : undefined;
    if (parent) visit(parent, depth + 1);
    out.push(t);
  };
  for (const t of terms) visit(t, 0);
  return out;
}
