import type { Insertable } from 'kysely';
import type { Tx } from '../../../platform/db/database.js';
import type { DB } from '../../../platform/db/schema.js';
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

export type WriteOutcome = 'created' | 'updated' | 'unchanged';

export interface WriteTarget {
  /** The Linkwork organisation curating the directory (the transaction must be in its scope). */
  organisationId: string;
  importId: string | null;
  /** Whether a newly created service is published; an update never changes it. */
  published: boolean;
}

/** Rows of one service and everything under it, inserted table by table (one statement each). */
interface Rows {
  directoryAddress: Insertable<DB['directoryAddress']>[];
  directoryAccessibility: Insertable<DB['directoryAccessibility']>[];
  directoryServiceAtLocation: Insertable<DB['directoryServiceAtLocation']>[];
  directoryContact: Insertable<DB['directoryContact']>[];
  directoryPhone: Insertable<DB['directoryPhone']>[];
  directorySchedule: Insertable<DB['directorySchedule']>[];
  directoryCostOption: Insertable<DB['directoryCostOption']>[];
  directoryLanguage: Insertable<DB['directoryLanguage']>[];
  directoryServiceArea: Insertable<DB['directoryServiceArea']>[];
  directoryFunding: Insertable<DB['directoryFunding']>[];
  directoryAttribute: Insertable<DB['directoryAttribute']>[];
}

const ROW_ORDER: (keyof Rows)[] = [
  'directoryAddress',
  'directoryAccessibility',
  'directoryServiceAtLocation',
  'directoryContact',
  'directoryPhone',
  'directorySchedule',
  'directoryCostOption',
  'directoryLanguage',
  'directoryServiceArea',
  'directoryFunding',
  'directoryAttribute',
];

function emptyRows(): Rows {
  return {
    directoryAddress: [],
    directoryAccessibility: [],
    directoryServiceAtLocation: [],
    directoryContact: [],
    directoryPhone: [],
    directorySchedule: [],
    directoryCostOption: [],
    directoryLanguage: [],
    directoryServiceArea: [],
    directoryFunding: [],
    directoryAttribute: [],
  };
}

/** Who owns a phone, contact, schedule or language: the columns the export reads to nest it again. */
interface Owner {
  serviceId?: string | null;
  locationId?: string | null;
  directoryOrganizationId?: string | null;
}

/**
 * Writes one service with its organization, locations and every child row, inside the caller's
 * transaction (one per service: all of it or none). Matching is by the source id within the curating
 * organisation (then by id); an unchanged `source_hash` means nothing is written at all.
 *
 * Ownership: a service owns its service-at-locations, contacts, phones, schedules, cost options,
 * languages, service areas, funding and attributes, replaced on update. Locations and organizations
 * may be shared by several services: they are upserted by id, their own children replaced, and a
 * location no service uses any more is removed.
 */
export async function writeService(
  tx: Tx,
  target: WriteTarget,
  service: OrukService,
  hash: string,
  notes: ReadNotes,
  cache: WriteCache = newWriteCache(),
  known?: ExistingService | null,
): Promise<WriteResult> {
  const org = target.organisationId;
  const existing = known !== undefined ? known : await findExisting(tx, org, service);
  if (existing && existing.sourceHash === hash) return { outcome: 'unchanged', id: existing.id, learned: emptyLearned() };
  const learned = emptyLearned();

  const terms = await ensureTerms(tx, collectAttributes(service), notes, cache, learned);
  let organizationId: string;
  if (service.organization) {
    // One organization runs many services: written once per import, unless its details differ.
    const organizationHash = JSON.stringify(service.organization);
    const seen = cache.organizations.get(service.organization.source_id);
    if (seen && seen.hash === organizationHash) organizationId = seen.id;
    else {
      organizationId = await upsertOrganization(tx, target, service.organization, terms);
      learned.organizations.set(service.organization.source_id, { id: organizationId, hash: organizationHash });
    }
  } else organizationId = await findOrganization(tx, org, service.organization_id!);

  const row = {
    directoryOrganizationId: organizationId,
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
    lastModified: service.last_modified ?? new Date(),
    lastVerified: service.assured_date ?? (service.last_modified ? service.last_modified.slice(0, 10) : null),
    sourceHash: hash,
    importId: target.importId,
  };

  let serviceId: string;
  let oldLocations: string[] = [];
  if (existing) {
    serviceId = existing.id;
    await tx.updateTable('directoryService').set(row).where('organisationId', '=', org).where('id', '=', serviceId).execute();
    oldLocations = await deleteServiceChildren(tx, org, serviceId);
  } else {
    // Service ids are unique across all directories; when another organisation already holds this
    // one (the same feed curated twice), this directory gets a stable id of its own.
    const inserted = await tx
      .insertInto('directoryService')
      .values({ ...row, organisationId: org, id: service.id, sourceId: service.source_id, published: target.published })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    serviceId = inserted?.id ?? uuidV5(`service:${org}:${service.id}`);
    if (!inserted) {
      await tx
        .insertInto('directoryService')
        .values({ ...row, organisationId: org, id: serviceId, sourceId: service.source_id, published: target.published })
        .execute();
    }
  }

  const rows = emptyRows();
  const attributes = (entity: string, id: string, list: OrukAttribute[]) => pushAttributes(rows, org, terms, entity, id, list);
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

  const written = new Set<string>();
  for (const sal of service.service_at_locations) {
    if (!written.has(sal.location.id)) {
      await upsertLocation(tx, org, sal.location, terms);
      written.add(sal.location.id);
    }
    const locationId = sal.location.id;
    rows.directoryServiceAtLocation.push({ organisationId: org, id: sal.id, serviceId, locationId, description: sal.description });
    attributes('service_at_location', sal.id, sal.attributes);
    pushPhones(rows, org, { serviceId, locationId }, sal.phones, attributes);
    pushContacts(rows, org, { serviceId, locationId }, sal.contacts, attributes);
    pushSchedules(rows, org, { serviceId }, sal.id, sal.schedules, attributes);
  }
  await insertRows(tx, rows);
  await removeUnusedLocations(
    tx,
    org,
    oldLocations.filter((id) => !written.has(id)),
  );
  return { outcome: existing ? 'updated' : 'created', id: serviceId, learned };
}

export interface ExistingService {
  id: string;
  sourceId: string | null;
  sourceHash: string | null;
}

/**
 * What one import run has learned that later services can reuse: terms known to exist, and the
 * organizations written so far with their details. Fill it only after a transaction commits
 * (`rememberWrite`), so a rolled-back service cannot leave a false memory.
 */
export interface WriteCache {
  terms: Map<string, string>;
  organizations: Map<string, { id: string; hash: string }>;
}

export function newWriteCache(): WriteCache {
  return { terms: new Map(), organizations: new Map() };
}

interface Learned {
  terms: Map<string, string>;
  organizations: Map<string, { id: string; hash: string }>;
}

function emptyLearned(): Learned {
  return { terms: new Map(), organizations: new Map() };
}

export interface WriteResult {
  outcome: WriteOutcome;
  id: string;
  learned: Learned;
}

export function rememberWrite(cache: WriteCache, result: WriteResult): void {
  for (const [key, value] of result.learned.terms) cache.terms.set(key, value);
  for (const [key, value] of result.learned.organizations) cache.organizations.set(key, value);
}

/** The service a record updates: same source id in this directory, else the same id. */
export async function findExisting(tx: Tx, org: string, service: Pick<OrukService, 'source_id' | 'id'>): Promise<ExistingService | null> {
  const rows = await tx
    .selectFrom('directoryService')
    .select(['id', 'sourceId', 'sourceHash'])
    .where('organisationId', '=', org)
    .where((eb) => eb.or([eb('sourceId', '=', service.source_id), eb('id', '=', service.id)]))
    .execute();
  return rows.find((r) => r.sourceId === service.source_id) ?? rows[0] ?? null;
}

/** findExisting for many records in one query (the importer's fast path for unchanged services). */
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

async function insertRows(tx: Tx, rows: Rows): Promise<void> {
  for (const table of ROW_ORDER) {
    const values = rows[table];
    if (values.length === 0) continue;
    // One statement per table; the typed union of tables is more than Kysely can follow here.
    await tx.insertInto(table).values(values as never).execute();
  }
}

async function findOrganization(tx: Tx, org: string, id: string): Promise<string> {
  const found = await tx
    .selectFrom('directoryOrganization')
    .select('id')
    .where('organisationId', '=', org)
    .where((eb) => eb.or([eb('id', '=', id), eb('sourceId', '=', id)]))
    .executeTakeFirst();
  if (!found) throw new RecordRejected(`its organization ${id} is neither in the record nor already in this directory`);
  return found.id;
}

async function upsertOrganization(tx: Tx, target: WriteTarget, organization: OrukOrganization, terms: TermIds): Promise<string> {
  const org = target.organisationId;
  const existing =
    (await tx.selectFrom('directoryOrganization').select('id').where('organisationId', '=', org).where('sourceId', '=', organization.source_id).executeTakeFirst()) ??
    (await tx.selectFrom('directoryOrganization').select('id').where('organisationId', '=', org).where('id', '=', organization.id).executeTakeFirst());
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
  let id: string;
  if (existing) {
    id = existing.id;
    await tx.updateTable('directoryOrganization').set({ ...row, updatedAt: new Date() }).where('organisationId', '=', org).where('id', '=', id).execute();
    await deleteOwned(tx, org, 'directoryOrganizationId', id, ['directoryPhone', 'directoryContact'], { serviceId: null, locationId: null });
    await deleteOwned(tx, org, 'directoryOrganizationId', id, ['directoryFunding'], { serviceId: null });
  } else {
    id = organization.id;
    await tx.insertInto('directoryOrganization').values({ ...row, organisationId: org, id, sourceId: organization.source_id }).execute();
  }
  const rows = emptyRows();
  const attributes: PushAttributes = (entity, linkId, list) => pushAttributes(rows, org, terms, entity, linkId, list);
  attributes('organization', id, organization.attributes);
  pushPhones(rows, org, { directoryOrganizationId: id }, organization.phones, attributes);
  pushContacts(rows, org, { directoryOrganizationId: id }, organization.contacts, attributes);
  for (const funding of organization.funding) {
    rows.directoryFunding.push({ organisationId: org, id: funding.id, serviceId: null, directoryOrganizationId: id, source: funding.source });
    attributes('funding', funding.id, funding.attributes);
  }
  await insertRows(tx, rows);
  return id;
}

async function upsertLocation(tx: Tx, org: string, location: OrukLocation, terms: TermIds): Promise<void> {
  const row = {
    locationType: location.location_type,
    name: location.name,
    description: location.description,
    url: location.url,
    latitude: location.latitude,
    longitude: location.longitude,
    sourceId: location.id,
  };
  const updated = await tx.updateTable('directoryLocation').set(row).where('organisationId', '=', org).where('id', '=', location.id).executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) {
    await deleteLocationChildren(tx, org, [location.id]);
  } else {
    await tx.insertInto('directoryLocation').values({ ...row, organisationId: org, id: location.id }).execute();
  }
  const rows = emptyRows();
  const attributes: PushAttributes = (entity, linkId, list) => pushAttributes(rows, org, terms, entity, linkId, list);
  const locationId = location.id;
  attributes('location', locationId, location.attributes);
  for (const address of location.addresses) {
    rows.directoryAddress.push({
      organisationId: org,
      id: address.id,
      locationId,
      attention: address.attention,
      // The camel-case plugin writes `address1` as address1, not address_1 (it puts no underscore
      // before digits): name the columns as they are. Reading them back as address1 works.
      ...({ address_1: address.address_1, address_2: address.address_2 } as unknown as { address1: string; address2: string | null }),
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
  await insertRows(tx, rows);
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

/** Removes what a service owns before it is written again; returns the locations it used. */
async function deleteServiceChildren(tx: Tx, org: string, serviceId: string): Promise<string[]> {
  const sals = await tx.selectFrom('directoryServiceAtLocation').select('locationId').where('organisationId', '=', org).where('serviceId', '=', serviceId).execute();
  await deleteOwned(tx, org, 'serviceId', serviceId, [
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
  await deleteOwned(tx, org, 'locationId', locationIds, ['directoryPhone', 'directoryContact', 'directorySchedule', 'directoryLanguage'], { serviceId: null });
  await deleteOwned(tx, org, 'locationId', locationIds, ['directoryAddress', 'directoryAccessibility']);
}

async function removeUnusedLocations(tx: Tx, org: string, candidates: string[]): Promise<void> {
  if (candidates.length === 0) return;
  const stillUsed = await tx
    .selectFrom('directoryServiceAtLocation')
    .select('locationId')
    .where('organisationId', '=', org)
    .where('locationId', 'in', candidates)
    .execute();
  const used = new Set(stillUsed.map((r) => r.locationId));
  const unused = candidates.filter((id) => !used.has(id));
  if (unused.length === 0) return;
  await deleteLocationChildren(tx, org, unused);
  await tx.deleteFrom('directoryLocation').where('organisationId', '=', org).where('id', 'in', unused).execute();
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
async function ensureTerms(tx: Tx, attributes: OrukAttribute[], notes: ReadNotes, cache: WriteCache, learned: Learned): Promise<TermIds> {
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
    return await resolveTerms(tx, terms, map, notes);
  } finally {
    for (const id of terms.keys()) {
      const resolved = map.get(id);
      if (resolved) learned.terms.set(id, resolved);
    }
  }
}

async function resolveTerms(tx: Tx, terms: Map<string, OrukTaxonomyTerm>, map: TermIds, notes: ReadNotes): Promise<TermIds> {
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

  const insertable = missing.filter((t) => t.name !== '');
  for (const t of missing) if (t.name === '') notes.adjusted.add(`attributes[].taxonomy_term_id: a term Linkwork does not know (${t.id}), attribute left out`);
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
