import { Type, type Static, type TSchema } from '@fastify/type-provider-typebox';

/**
 * TypeBox schemas for the ORUK 3.0 (HSDS 3.0, UK profile) API: query parameters, and responses with
 * the standard's own field names (snake_case) and types. HSDS declares no nullable fields, so an
 * absent value is left out rather than sent as null. The response schemas also act as a second wall
 * behind the serialisers: a property not named here is never sent.
 */

export const MAX_PER_PAGE = 200;
export const DEFAULT_PER_PAGE = 50;
export const MAX_PROXIMITY_METRES = 1_000_000;

const Uuid = Type.String({ format: 'uuid' });
const Str = (description?: string) => Type.Optional(Type.String(description ? { description } : {}));
const OptUuid = Type.Optional(Uuid);
const Num = Type.Optional(Type.Number());
const DateOnly = (description = 'YYYY-MM-DD') => Type.Optional(Type.String({ description }));
const ArrayOf = <T extends TSchema>(item: T) => Type.Optional(Type.Array(item));

// --- query parameters ----------------------------------------------------------------------------

const paging = {
  page: Type.Optional(Type.Integer({ minimum: 1, description: 'Page number, from 1 (default 1)' })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, description: `Results a page, 1 to ${MAX_PER_PAGE} (default ${DEFAULT_PER_PAGE})` })),
  format: Type.Optional(Type.Enum(['json', 'ndjson'], { description: '`json` (default): a page in the standard envelope; `ndjson`: every result, one JSON object a line, without paging' })),
};
const search = { search: Type.Optional(Type.String({ maxLength: 200, description: 'Full text search' })) };

/** Filters that apply to a service (and so to a service at a location). Combined with AND. */
const serviceFilters = {
  ...search,
  taxonomy_term_id: Type.Optional(Type.String({ format: 'uuid', description: 'Services with an attribute of this taxonomy term' })),
  taxonomy_id: Type.Optional(Type.String({ format: 'uuid', description: 'Services with an attribute of any term of this taxonomy' })),
  organization_id: Type.Optional(Type.String({ format: 'uuid', description: 'Services this organization provides' })),
  modified_after: Type.Optional(Type.String({ description: 'Services modified on or after this date-time (ISO 8601, e.g. 2025-01-31T09:00:00Z, or a date)' })),
  full: Type.Optional(Type.Boolean({ description: 'Fully nested results' })),
  minimum_age: Type.Optional(Type.Number({ minimum: 0, maximum: 130, description: 'UK profile: services whose minimum age is at least this' })),
  maximum_age: Type.Optional(Type.Number({ minimum: 0, maximum: 130, description: 'UK profile: services whose maximum age is at most this' })),
  day: Type.Optional(Type.String({ description: 'UK profile: services with a schedule on this day (MO, TU, WE, TH, FR, SA, SU, or the day’s English name)' })),
  start_time: Type.Optional(Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$', description: 'UK profile: services with a schedule opening at or after this time (HH:MM)' })),
  end_time: Type.Optional(Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$', description: 'UK profile: services with a schedule closing at or before this time (HH:MM)' })),
};

export const ServicesQuery = Type.Object({
  ...paging,
  ...serviceFilters,
  minimal: Type.Optional(Type.Boolean({ description: 'Only each service’s id and last_modified' })),
});
export type ServicesQueryType = Static<typeof ServicesQuery>;

export const ServiceAtLocationsQuery = Type.Object({
  ...paging,
  ...serviceFilters,
  postcode: Type.Optional(Type.String({ maxLength: 10, description: 'UK postcode (or district, e.g. BS5): results nearest first; services whose service areas list postcodes must cover it' })),
  proximity: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: MAX_PROXIMITY_METRES, description: 'Metres from the postcode’s centroid; needs postcode' })),
});
export type ServiceAtLocationsQueryType = Static<typeof ServiceAtLocationsQuery>;

export const OrganizationsQuery = Type.Object({
  ...paging,
  ...search,
  full: Type.Optional(Type.Boolean({ description: 'Fully nested organizations, with their services' })),
  full_service: Type.Optional(Type.Boolean({ description: 'With full: each service fully nested' })),
});
export type OrganizationsQueryType = Static<typeof OrganizationsQuery>;

export const OrganizationQuery = Type.Object({
  full_service: Type.Optional(Type.Boolean({ description: 'Each service fully nested (otherwise its own fields only)' })),
});

export const TaxonomiesQuery = Type.Object({ ...paging, ...search });
export type TaxonomiesQueryType = Static<typeof TaxonomiesQuery>;

export const TaxonomyTermsQuery = Type.Object({
  ...paging,
  ...search,
  taxonomy_id: Type.Optional(Type.String({ format: 'uuid', description: 'Terms of this taxonomy' })),
  parent_id: Type.Optional(Type.String({ format: 'uuid', description: 'Terms whose parent is this term' })),
  top_only: Type.Optional(Type.Boolean({ description: 'Only top-level terms (terms without a parent)' })),
});
export type TaxonomyTermsQueryType = Static<typeof TaxonomyTermsQuery>;

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

// --- responses -----------------------------------------------------------------------------------

export const ApiDetails = Type.Object({
  version: Type.String({ description: 'HSDS version of this API' }),
  profile: Type.String({ format: 'uri', description: 'The HSDS profile this API follows' }),
  openapi_url: Type.String({ format: 'uri', description: 'The OpenAPI document defining this API' }),
});

export const Taxonomy = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.String(),
  uri: Str(),
  version: Str(),
});

export const TaxonomyTerm = Type.Object({
  id: Uuid,
  code: Str(),
  name: Type.String(),
  description: Type.String(),
  parent_id: OptUuid,
  taxonomy: Str('The name of the taxonomy'),
  taxonomy_detail: Type.Optional(Taxonomy),
  language: Str(),
  taxonomy_id: OptUuid,
  term_uri: Str(),
});

export const Attribute = Type.Object({
  id: Uuid,
  link_id: OptUuid,
  taxonomy_term_id: OptUuid,
  link_type: Str(),
  link_entity: Str(),
  value: Str(),
  taxonomy_term: Type.Optional(TaxonomyTerm),
});
const Attributes = ArrayOf(Attribute);

export const Language = Type.Object({
  id: Uuid,
  service_id: OptUuid,
  location_id: OptUuid,
  phone_id: OptUuid,
  name: Str(),
  code: Str(),
  note: Str(),
  attributes: Attributes,
});

export const Phone = Type.Object({
  id: Uuid,
  location_id: OptUuid,
  service_id: OptUuid,
  organization_id: OptUuid,
  contact_id: OptUuid,
  service_at_location_id: OptUuid,
  number: Type.String(),
  extension: Num,
  type: Str(),
  description: Str(),
  languages: ArrayOf(Language),
  attributes: Attributes,
});

export const Contact = Type.Object({
  id: Uuid,
  organization_id: OptUuid,
  service_id: OptUuid,
  service_at_location_id: OptUuid,
  location_id: OptUuid,
  name: Str(),
  title: Str(),
  department: Str(),
  email: Str(),
  phones: ArrayOf(Phone),
  attributes: Attributes,
});

export const Schedule = Type.Object({
  id: Uuid,
  service_id: OptUuid,
  location_id: OptUuid,
  service_at_location_id: OptUuid,
  valid_from: DateOnly(),
  valid_to: DateOnly(),
  dtstart: DateOnly(),
  until: DateOnly(),
  freq: Type.Optional(Type.Enum(['WEEKLY', 'MONTHLY'])),
  interval: Num,
  byday: Str('RFC 5545 days, e.g. MO,TU'),
  bymonthday: Str(),
  description: Str(),
  opens_at: Str('HH:MM:SS'),
  closes_at: Str('HH:MM:SS'),
  attending_type: Str(),
  notes: Str(),
  attributes: Attributes,
});

export const ServiceArea = Type.Object({
  id: Uuid,
  service_id: OptUuid,
  name: Str(),
  description: Str(),
  extent: Str(),
  extent_type: Str(),
  uri: Str(),
  attributes: Attributes,
});

export const Funding = Type.Object({ id: Uuid, organization_id: OptUuid, service_id: OptUuid, source: Str(), attributes: Attributes });

export const CostOption = Type.Object({
  id: Uuid,
  service_id: OptUuid,
  valid_from: DateOnly(),
  valid_to: DateOnly(),
  option: Str(),
  currency: Str(),
  amount: Num,
  amount_description: Str(),
  attributes: Attributes,
});

export const Accessibility = Type.Object({ id: Uuid, location_id: OptUuid, description: Str(), details: Str(), url: Str(), attributes: Attributes });

export const Address = Type.Object({
  id: Uuid,
  location_id: OptUuid,
  attention: Str(),
  address_1: Type.String(),
  address_2: Str(),
  city: Type.String(),
  region: Str(),
  state_province: Type.String(),
  postal_code: Type.String(),
  country: Type.String(),
  address_type: Type.Enum(['physical', 'postal', 'virtual']),
  attributes: Attributes,
});

export const Location = Type.Object({
  id: Uuid,
  location_type: Type.Enum(['physical', 'postal', 'virtual']),
  url: Str(),
  name: Str(),
  description: Str(),
  latitude: Num,
  longitude: Num,
  languages: ArrayOf(Language),
  addresses: ArrayOf(Address),
  contacts: ArrayOf(Contact),
  accessibility: ArrayOf(Accessibility),
  phones: ArrayOf(Phone),
  schedules: ArrayOf(Schedule),
  attributes: Attributes,
});

const organizationFields = {
  id: Uuid,
  name: Type.String(),
  alternate_name: Str(),
  description: Type.String(),
  email: Str(),
  website: Str(),
  logo: Str(),
  uri: Str(),
  funding: ArrayOf(Funding),
  contacts: ArrayOf(Contact),
  phones: ArrayOf(Phone),
  attributes: Attributes,
};
export const Organization = Type.Object(organizationFields);

const serviceAtLocationFields = {
  id: Uuid,
  service_id: OptUuid,
  location_id: OptUuid,
  description: Str(),
  contacts: ArrayOf(Contact),
  phones: ArrayOf(Phone),
  schedules: ArrayOf(Schedule),
  location: Type.Optional(Location),
  attributes: Attributes,
};

const serviceFields = {
  id: Uuid,
  organization_id: OptUuid,
  name: Type.String(),
  alternate_name: Str(),
  description: Str(),
  url: Str(),
  email: Str(),
  status: Type.Enum(['active', 'inactive', 'defunct', 'temporarily closed']),
  interpretation_services: Str(),
  application_process: Str(),
  fees_description: Str(),
  accreditations: Str(),
  eligibility_description: Str(),
  minimum_age: Num,
  maximum_age: Num,
  assured_date: DateOnly(),
  assurer_email: Str(),
  alert: Str(),
  last_modified: Type.Optional(Type.String({ format: 'date-time' })),
  phones: ArrayOf(Phone),
  schedules: ArrayOf(Schedule),
  service_areas: ArrayOf(ServiceArea),
  languages: ArrayOf(Language),
  organization: Type.Optional(Organization),
  funding: ArrayOf(Funding),
  cost_options: ArrayOf(CostOption),
  contacts: ArrayOf(Contact),
  attributes: Attributes,
};

/** A service as nested inside a service at a location (without its own service_at_locations). */
const ServiceInServiceAtLocation = Type.Object(serviceFields);

export const ServiceAtLocationInService = Type.Object(serviceAtLocationFields);

/** GET /services/{id}: the service fully nested. */
export const Service = Type.Object({ ...serviceFields, service_at_locations: ArrayOf(ServiceAtLocationInService) });
export type ServiceType = Static<typeof Service>;

/** /services contents: the service's own fields and organization, fully nested with full=true, or only id and last_modified with minimal=true. */
export const ServiceListItem = Type.Object({
  ...serviceFields,
  name: Type.Optional(Type.String()),
  status: Type.Optional(serviceFields.status),
  service_at_locations: ArrayOf(ServiceAtLocationInService),
});

/** GET /service_at_locations/{id}, and /service_at_locations contents (list items carry location and service only). */
export const ServiceAtLocation = Type.Object({ ...serviceAtLocationFields, service: Type.Optional(ServiceInServiceAtLocation) });

/** GET /organizations/{id}, and /organizations contents (list items carry the organization's own fields only). */
export const OrganizationWithServices = Type.Object({ ...organizationFields, services: ArrayOf(ServiceListItem) });

/** The standard's paginated envelope. */
export const Page = <T extends TSchema>(item: T, description: string) =>
  Type.Object(
    {
      total_items: Type.Integer({ description: 'How many results match, on every page' }),
      total_pages: Type.Integer(),
      page_number: Type.Integer({ description: 'This page’s number, from 1' }),
      size: Type.Integer({ description: 'How many results this page holds' }),
      first_page: Type.Boolean(),
      last_page: Type.Boolean(),
      empty: Type.Boolean({ description: 'True when this page holds no results' }),
      contents: Type.Array(item),
    },
    { description },
  );

export interface PageOf<T> {
  total_items: number;
  total_pages: number;
  page_number: number;
  size: number;
  first_page: boolean;
  last_page: boolean;
  empty: boolean;
  contents: T[];
}

/** The JSON shapes the serialisers build (plain objects with the standard's field names). */
export type OrukService = Static<typeof Service>;
/** minimal=true: only these two. */
export interface OrukMinimalService {
  id: string;
  last_modified: string;
}
export type OrukServiceAtLocation = Static<typeof ServiceAtLocation>;
export type OrukOrganization = Static<typeof OrganizationWithServices>;
export type OrukLocation = Static<typeof Location>;
export type OrukTaxonomy = Static<typeof Taxonomy>;
export type OrukTaxonomyTerm = Static<typeof TaxonomyTerm>;
export type OrukAttribute = Static<typeof Attribute>;
export type OrukContact = Static<typeof Contact>;
export type OrukPhone = Static<typeof Phone>;
export type OrukSchedule = Static<typeof Schedule>;
export type OrukLanguage = Static<typeof Language>;
export type OrukAddress = Static<typeof Address>;
export type OrukAccessibility = Static<typeof Accessibility>;
export type OrukServiceArea = Static<typeof ServiceArea>;
export type OrukFunding = Static<typeof Funding>;
export type OrukCostOption = Static<typeof CostOption>;
