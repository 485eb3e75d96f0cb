/**
 * A service as Linkwork stores it, in ORUK 3.0 shape (snake_case, as in the standard), whichever
 * format it came in. Both readers (ORUK 3.0 and ORUK v1) produce this; the writer stores it; its
 * canonical JSON, hashed, is the service's `source_hash`. Every entity has a UUID by now. Link ids
 * (a phone's service_id, an attribute's link_id, …) are not here: nesting says what belongs to what,
 * and the writer sets them.
 */

export interface OrukTaxonomy {
  id: string;
  name: string;
  description: string | null;
  uri: string | null;
  version: string | null;
}

export interface OrukTaxonomyTerm {
  id: string;
  code: string | null;
  name: string;
  description: string | null;
  parent_id: string | null;
  taxonomy_id: string | null;
  language: string | null;
  term_uri: string | null;
  /** The taxonomy, when the feed described it (or Linkwork made one up for a v1 vocabulary). */
  taxonomy_detail: OrukTaxonomy | null;
}

export interface OrukAttribute {
  id: string;
  link_type: string | null;
  value: string | null;
  taxonomy_term: OrukTaxonomyTerm;
}

interface WithAttributes {
  attributes: OrukAttribute[];
}

export interface OrukPhone extends WithAttributes {
  id: string;
  number: string;
  extension: string | null;
  type: string | null;
  description: string | null;
}

export interface OrukContact extends WithAttributes {
  id: string;
  name: string | null;
  title: string | null;
  department: string | null;
  email: string | null;
  phones: OrukPhone[];
}

export interface OrukSchedule extends WithAttributes {
  id: string;
  valid_from: string | null;
  valid_to: string | null;
  dtstart: string | null;
  until: string | null;
  freq: 'WEEKLY' | 'MONTHLY' | null;
  interval: number | null;
  byday: string | null;
  bymonthday: string | null;
  opens_at: string | null;
  closes_at: string | null;
  description: string | null;
  attending_type: string | null;
  notes: string | null;
}

export interface OrukAddress extends WithAttributes {
  id: string;
  attention: string | null;
  address_1: string;
  address_2: string | null;
  city: string;
  region: string | null;
  state_province: string;
  postal_code: string;
  country: string;
  address_type: 'physical' | 'postal' | 'virtual';
}

export interface OrukAccessibility extends WithAttributes {
  id: string;
  description: string | null;
  details: string | null;
  url: string | null;
}

export interface OrukLanguage extends WithAttributes {
  id: string;
  name: string | null;
  code: string | null;
  note: string | null;
}

export interface OrukLocation extends WithAttributes {
  id: string;
  location_type: 'physical' | 'postal' | 'virtual';
  name: string | null;
  description: string | null;
  url: string | null;
  latitude: number | null;
  longitude: number | null;
  addresses: OrukAddress[];
  accessibility: OrukAccessibility[];
  phones: OrukPhone[];
  contacts: OrukContact[];
  schedules: OrukSchedule[];
  languages: OrukLanguage[];
}

export interface OrukServiceAtLocation extends WithAttributes {
  id: string;
  description: string | null;
  location: OrukLocation;
  phones: OrukPhone[];
  contacts: OrukContact[];
  schedules: OrukSchedule[];
}

export interface OrukCostOption extends WithAttributes {
  id: string;
  valid_from: string | null;
  valid_to: string | null;
  option: string | null;
  currency: string | null;
  amount: number | null;
  amount_description: string | null;
}

export interface OrukServiceArea extends WithAttributes {
  id: string;
  name: string | null;
  description: string | null;
  extent: string | null;
  extent_type: string | null;
  uri: string | null;
}

export interface OrukFunding extends WithAttributes {
  id: string;
  source: string | null;
}

export interface OrukOrganization extends WithAttributes {
  id: string;
  /** The id as the feed gave it. */
  source_id: string;
  name: string;
  alternate_name: string | null;
  description: string | null;
  email: string | null;
  website: string | null;
  logo: string | null;
  uri: string | null;
  phones: OrukPhone[];
  contacts: OrukContact[];
  funding: OrukFunding[];
}

export const SERVICE_STATUSES = ['active', 'inactive', 'defunct', 'temporarily closed'] as const;

export interface OrukService extends WithAttributes {
  id: string;
  /** The id as the feed gave it: the key a re-import matches on. */
  source_id: string;
  name: string;
  alternate_name: string | null;
  description: string | null;
  url: string | null;
  email: string | null;
  status: (typeof SERVICE_STATUSES)[number];
  interpretation_services: string | null;
  application_process: string | null;
  fees_description: string | null;
  accreditations: string | null;
  eligibility_description: string | null;
  minimum_age: number | null;
  maximum_age: number | null;
  alert: string | null;
  assured_date: string | null;
  assurer_email: string | null;
  last_modified: string | null;
  /** Nested in the feed; or null with `organization_id` naming one already in the directory. */
  organization: OrukOrganization | null;
  organization_id: string | null;
  service_at_locations: OrukServiceAtLocation[];
  phones: OrukPhone[];
  contacts: OrukContact[];
  schedules: OrukSchedule[];
  cost_options: OrukCostOption[];
  languages: OrukLanguage[];
  service_areas: OrukServiceArea[];
  funding: OrukFunding[];
}

/** A record that cannot be imported, with a reason a curator can act on. */
export class RecordRejected extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RecordRejected';
  }
}
