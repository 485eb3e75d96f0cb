import type {
  AccessibilityRow,
  AddressRow,
  AttributeRow,
  ContactRow,
  CostOptionRow,
  FundingRow,
  LanguageRow,
  LocationRow,
  OrganizationRow,
  PhoneRow,
  ScheduleRow,
  ServiceAreaRow,
  ServiceAtLocationRow,
  ServiceRow,
  TaxonomyRow,
  TaxonomyTermRow,
} from './queries.js';
import type {
  OrukAccessibility,
  OrukAddress,
  OrukAttribute,
  OrukContact,
  OrukCostOption,
  OrukFunding,
  OrukLanguage,
  OrukLocation,
  OrukMinimalService,
  OrukOrganization,
  OrukPhone,
  OrukSchedule,
  OrukService,
  OrukServiceArea,
  OrukServiceAtLocation,
  OrukTaxonomy,
  OrukTaxonomyTerm,
} from './schemas.js';

/**
 * Database rows to ORUK 3.0 JSON. Each function names the fields it sends (a whitelist: no
 * curating organisation, source ids, hashes, import ids or publishing flags), formats dates, times
 * and numbers as the HSDS schema types them, and leaves out empty values: HSDS has no nullable
 * fields, and an empty string is not a valid uri or email.
 */

/** Drops undefined properties, so objects hold only what is sent. */
export function clean<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

export function text(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  return value.trim() === '' ? undefined : value;
}

/**
 * An absolute URI, as HSDS's `format: uri` asks. Directories often hold bare domains
 * ("www.example.org"): those gain "http://" (which also reaches https sites). Text that is not a
 * URL at all is left out.
 */
export function uri(value: string | null | undefined): string | undefined {
  const raw = text(value)?.trim();
  if (!raw) return undefined;
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(raw)
    ? raw
    : /^(\/\/)?[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?([/?#]\S*)?$/i.test(raw)
      ? `http://${raw.replace(/^\/\//, '')}`
      : null;
  if (!absolute || !URL.canParse(absolute)) return undefined;
  // Spaces and other characters a URI may not hold are percent-encoded.
  return /^[\x21-\x7e]+$/.test(absolute) ? absolute : new URL(absolute).href;
}

/** An email address (HSDS `format: email`), without a "mailto:"; anything else is left out. */
export function email(value: string | null | undefined): string | undefined {
  const raw = text(value)?.trim().replace(/^mailto:/i, '');
  return raw && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw) ? raw : undefined;
}

/** 'YYYY-MM-DD' (date columns arrive as strings; see database.ts). */
export function dateOnly(value: string | Date | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : undefined;
}

/** ISO 8601 UTC with milliseconds, as HSDS asks of last_modified. */
export function dateTime(value: string | Date): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** 'HH:MM:SS' from a time column's text ('09:30:00', '09:30:00.5', '09:30'). */
export function timeOfDay(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const match = /^(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  return match ? `${match[1]}:${match[2]}:${match[3] ?? '00'}` : undefined;
}

export function num(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** HSDS types a phone extension as a number; an extension that is not all digits cannot be sent as one. */
export function extension(value: string | null | undefined): number | undefined {
  const trimmed = value?.trim();
  return trimmed && /^\d{1,15}$/.test(trimmed) ? Number(trimmed) : undefined;
}

// --- taxonomies ----------------------------------------------------------------------------------

export function taxonomy(row: TaxonomyRow): OrukTaxonomy {
  return clean({ id: row.id, name: row.name, description: row.description ?? '', uri: uri(row.uri), version: text(row.version) });
}

type TermFields = Pick<TaxonomyTermRow, 'id' | 'code' | 'name' | 'description' | 'parentId' | 'taxonomyId' | 'language' | 'termUri' | 'taxonomyName' | 'taxonomyDescription' | 'taxonomyUri' | 'taxonomyVersion'>;

export function taxonomyTerm(row: TermFields): OrukTaxonomyTerm {
  return clean({
    id: row.id,
    code: text(row.code),
    name: row.name,
    description: row.description ?? '',
    parent_id: row.parentId ?? undefined,
    taxonomy: text(row.taxonomyName),
    taxonomy_detail:
      row.taxonomyId && row.taxonomyName !== null
        ? taxonomy({ id: row.taxonomyId, name: row.taxonomyName, description: row.taxonomyDescription, uri: row.taxonomyUri, version: row.taxonomyVersion })
        : undefined,
    language: text(row.language),
    taxonomy_id: row.taxonomyId ?? undefined,
    term_uri: uri(row.termUri),
  });
}

export function attribute(row: AttributeRow): OrukAttribute {
  return clean({
    id: row.id,
    link_id: row.linkId,
    taxonomy_term_id: row.taxonomyTermId,
    link_type: text(row.linkType),
    link_entity: text(row.linkEntity),
    value: text(row.value),
    taxonomy_term: taxonomyTerm({
      id: row.taxonomyTermId,
      code: row.termCode,
      name: row.termName,
      description: row.termDescription,
      parentId: row.termParentId,
      taxonomyId: row.termTaxonomyId,
      language: row.termLanguage,
      termUri: row.termUri,
      taxonomyName: row.taxonomyName,
      taxonomyDescription: row.taxonomyDescription,
      taxonomyUri: row.taxonomyUri,
      taxonomyVersion: row.taxonomyVersion,
    }),
  });
}

// --- small children ------------------------------------------------------------------------------

export function language(row: LanguageRow): OrukLanguage {
  return clean({ id: row.id, service_id: row.serviceId ?? undefined, location_id: row.locationId ?? undefined, name: text(row.name), code: text(row.code), note: text(row.note) });
}

export function phone(row: PhoneRow): OrukPhone {
  return clean({
    id: row.id,
    location_id: row.locationId ?? undefined,
    service_id: row.serviceId ?? undefined,
    organization_id: row.directoryOrganizationId ?? undefined,
    contact_id: row.contactId ?? undefined,
    number: row.number,
    extension: extension(row.extension),
    type: text(row.type),
    description: text(row.description),
  });
}

export function contact(row: ContactRow, phones: OrukPhone[]): OrukContact {
  return clean({
    id: row.id,
    organization_id: row.directoryOrganizationId ?? undefined,
    service_id: row.serviceId ?? undefined,
    location_id: row.locationId ?? undefined,
    name: text(row.name),
    title: text(row.title),
    department: text(row.department),
    email: email(row.email),
    phones,
  });
}

export function schedule(row: ScheduleRow): OrukSchedule {
  return clean({
    id: row.id,
    service_id: row.serviceId ?? undefined,
    location_id: row.locationId ?? undefined,
    service_at_location_id: row.serviceAtLocationId ?? undefined,
    valid_from: dateOnly(row.validFrom),
    valid_to: dateOnly(row.validTo),
    dtstart: dateOnly(row.dtstart),
    until: dateOnly(row.until),
    freq: row.freq ?? undefined,
    interval: num(row.interval),
    byday: text(row.byday),
    bymonthday: text(row.bymonthday),
    description: text(row.description),
    opens_at: timeOfDay(row.opensAt),
    closes_at: timeOfDay(row.closesAt),
    attending_type: text(row.attendingType),
    notes: text(row.notes),
  });
}

export function serviceArea(row: ServiceAreaRow): OrukServiceArea {
  return clean({
    id: row.id,
    service_id: row.serviceId,
    name: text(row.name),
    description: text(row.description),
    extent: text(row.extent),
    extent_type: text(row.extentType),
    uri: text(row.uri),
  });
}

export function funding(row: FundingRow): OrukFunding {
  return clean({ id: row.id, organization_id: row.directoryOrganizationId ?? undefined, service_id: row.serviceId ?? undefined, source: text(row.source) });
}

export function costOption(row: CostOptionRow): OrukCostOption {
  return clean({
    id: row.id,
    service_id: row.serviceId,
    valid_from: dateOnly(row.validFrom),
    valid_to: dateOnly(row.validTo),
    option: text(row.option),
    currency: text(row.currency),
    amount: num(row.amount),
    amount_description: text(row.amountDescription),
  });
}

export function accessibility(row: AccessibilityRow): OrukAccessibility {
  return clean({ id: row.id, location_id: row.locationId, description: text(row.description), details: text(row.details), url: uri(row.url) });
}

export function address(row: AddressRow): OrukAddress {
  return clean({
    id: row.id,
    location_id: row.locationId,
    attention: text(row.attention),
    address_1: row.address1,
    address_2: text(row.address2),
    city: row.city,
    region: text(row.region),
    state_province: row.stateProvince,
    postal_code: row.postalCode,
    country: row.country,
    address_type: row.addressType,
  });
}

// --- entities ------------------------------------------------------------------------------------

export function location(row: LocationRow, nested?: Pick<OrukLocation, 'languages' | 'addresses' | 'contacts' | 'accessibility' | 'phones' | 'schedules' | 'attributes'>): OrukLocation {
  return clean({
    id: row.id,
    location_type: row.locationType,
    url: uri(row.url),
    name: text(row.name),
    description: text(row.description),
    latitude: num(row.latitude),
    longitude: num(row.longitude),
    ...nested,
  });
}

export function organization(row: OrganizationRow, nested?: Pick<OrukOrganization, 'funding' | 'contacts' | 'phones' | 'attributes' | 'services'>): OrukOrganization {
  return clean({
    id: row.id,
    name: row.name,
    alternate_name: text(row.alternateName),
    description: row.description ?? '',
    email: email(row.email),
    website: uri(row.website),
    logo: text(row.logo),
    uri: uri(row.uri),
    ...nested,
  });
}

export type ServiceNesting = Pick<
  OrukService,
  'phones' | 'schedules' | 'service_areas' | 'service_at_locations' | 'languages' | 'organization' | 'funding' | 'cost_options' | 'contacts' | 'attributes'
>;

export function service(row: ServiceRow, nested?: ServiceNesting): OrukService {
  return clean({
    id: row.id,
    organization_id: row.directoryOrganizationId,
    name: row.name,
    alternate_name: text(row.alternateName),
    description: text(row.description),
    url: uri(row.url),
    email: email(row.email),
    status: row.status,
    interpretation_services: text(row.interpretationServices),
    application_process: text(row.applicationProcess),
    fees_description: text(row.feesDescription),
    accreditations: text(row.accreditations),
    eligibility_description: text(row.eligibilityDescription),
    minimum_age: num(row.minimumAge),
    maximum_age: num(row.maximumAge),
    assured_date: dateOnly(row.assuredDate),
    assurer_email: email(row.assurerEmail),
    alert: text(row.alert),
    last_modified: dateTime(row.lastModified),
    ...nested,
  });
}

/** minimal=true: "just service id and last modified". */
export function minimalService(row: Pick<ServiceRow, 'id' | 'lastModified'>): OrukMinimalService {
  return { id: row.id, last_modified: dateTime(row.lastModified) };
}

export function serviceAtLocation(
  row: ServiceAtLocationRow,
  nested: Pick<OrukServiceAtLocation, 'contacts' | 'phones' | 'schedules' | 'location' | 'attributes' | 'service'>,
): OrukServiceAtLocation {
  return clean({ id: row.id, service_id: row.serviceId, location_id: row.locationId, description: text(row.description), ...nested });
}
