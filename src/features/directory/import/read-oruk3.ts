import { stableId } from './ids.js';
import { Fields, isObject, type JsonObject, type ReadNotes } from './fields.js';
import { finishService, readStatus } from './finish.js';
import type {
  OrukAccessibility,
  OrukAddress,
  OrukAttribute,
  OrukContact,
  OrukCostOption,
  OrukFunding,
  OrukLanguage,
  OrukLocation,
  OrukOrganization,
  OrukPhone,
  OrukSchedule,
  OrukService,
  OrukServiceArea,
  OrukServiceAtLocation,
  OrukTaxonomy,
  OrukTaxonomyTerm,
} from './model.js';
import { RecordRejected } from './model.js';

/**
 * Reads one ORUK 3.0 (HSDS 3.0 UK) service, fully nested as `GET /services/{id}` returns it, into
 * Linkwork's shape. Fields HSDS 3.0 has but Linkwork does not keep (wait_time, licenses, program,
 * required_documents, metadata, location transportation and external identifiers, …) are reported.
 */
export function readOruk3Service(raw: JsonObject, notes: ReadNotes): OrukService {
  const f = new Fields(raw, '', notes);
  f.skip('id');
  const sourceId = sourceIdOf(raw);
  if (!sourceId) throw new RecordRejected('the service has no id');
  const id = stableId('service', sourceId, '');
  const name = f.line('name');
  const feesDescription = f.text('fees_description') ?? f.text('fees');
  f.skip('organization_id', 'fees');
  const organization = f.child('organization', (o) => readOrganization(o, id));
  const organizationRef = organization ? null : idText(raw.organization_id);
  const service: OrukService = {
    id,
    source_id: sourceId,
    name: name ?? '',
    alternate_name: f.line('alternate_name'),
    description: f.text('description'),
    url: f.exact('url'),
    email: f.exact('email'),
    status: readStatus(f),
    interpretation_services: f.text('interpretation_services'),
    application_process: f.text('application_process'),
    fees_description: feesDescription,
    accreditations: f.text('accreditations'),
    eligibility_description: f.text('eligibility_description'),
    minimum_age: f.number('minimum_age'),
    maximum_age: f.number('maximum_age'),
    alert: f.text('alert'),
    assured_date: f.date('assured_date'),
    assurer_email: f.exact('assurer_email'),
    last_modified: timestamp(f, 'last_modified'),
    organization,
    organization_id: organizationRef ? stableId('organization', organizationRef, '') : null,
    service_at_locations: f.list('service_at_locations', (s, i) => readServiceAtLocation(s, `${id}/sal/${i}`)),
    phones: f.list('phones', (p, i) => readPhone(p, `${id}/phone/${i}`)),
    contacts: f.list('contacts', (c, i) => readContact(c, `${id}/contact/${i}`)),
    schedules: f.list('schedules', (s, i) => readSchedule(s, `${id}/schedule/${i}`)),
    cost_options: f.list('cost_options', (c, i) => readCostOption(c, `${id}/cost/${i}`)),
    languages: f.list('languages', (l, i) => readLanguage(l, `${id}/language/${i}`)),
    service_areas: f.list('service_areas', (a, i) => readServiceArea(a, `${id}/area/${i}`)),
    funding: f.list(f.pick('funding', 'fundings'), (g, i) => readFunding(g, `${id}/funding/${i}`)),
    attributes: readAttributes(f, id),
  };
  f.done();
  return finishService(service);
}

/** The id as the feed gave it, as text. */
export function sourceIdOf(raw: JsonObject): string | null {
  return idText(raw.id);
}

function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return null;
}

function timestamp(f: Fields, key: string): string | null {
  const raw = f.raw(key);
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  const date = new Date(raw.trim());
  if (Number.isNaN(date.getTime())) {
    f.adjust(key, 'not a date-time, left out');
    return null;
  }
  return date.toISOString();
}

function idOf(f: Fields, entity: string, fallback: string): string {
  return stableId(entity, f.raw('id'), fallback);
}

function readOrganization(f: Fields, serviceId: string): OrukOrganization | null {
  const sourceId = idText(f.raw('id'));
  const id = idOf(f, 'organization', `${serviceId}/organization`);
  const name = f.line('name');
  if (!name) throw new RecordRejected('the organization has no name');
  f.skip('parent_organization_id');
  const organization: OrukOrganization = {
    id,
    source_id: sourceId ?? id,
    name,
    alternate_name: f.line('alternate_name'),
    description: f.text('description'),
    email: f.exact('email'),
    website: f.exact('website') ?? f.exact('url'),
    logo: f.exact('logo'),
    uri: f.exact('uri'),
    phones: f.list('phones', (p, i) => readPhone(p, `${id}/phone/${i}`)),
    contacts: f.list('contacts', (c, i) => readContact(c, `${id}/contact/${i}`)),
    funding: f.list(f.pick('funding', 'fundings'), (g, i) => readFunding(g, `${id}/funding/${i}`)),
    attributes: readAttributes(f, id),
  };
  return organization;
}

function readServiceAtLocation(f: Fields, fallback: string): OrukServiceAtLocation | null {
  const id = idOf(f, 'service_at_location', fallback);
  f.skip('service_id', 'location_id');
  const location = f.child('location', (l) => readLocation(l, `${id}/location`));
  if (!location) {
    // A bare reference cannot be stored: Linkwork's locations come with their service.
    if (f.object.location_id) f.ignore('location_id');
    return null;
  }
  return {
    id,
    description: f.text('description'),
    location,
    phones: f.list('phones', (p, i) => readPhone(p, `${id}/phone/${i}`)),
    contacts: f.list('contacts', (c, i) => readContact(c, `${id}/contact/${i}`)),
    schedules: f.list('schedules', (s, i) => readSchedule(s, `${id}/schedule/${i}`)),
    attributes: readAttributes(f, id),
  };
}

const LOCATION_TYPES = ['physical', 'postal', 'virtual'] as const;

export function locationType(value: unknown, fallback: (typeof LOCATION_TYPES)[number] = 'physical'): (typeof LOCATION_TYPES)[number] {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  return (LOCATION_TYPES as readonly string[]).includes(text) ? (text as (typeof LOCATION_TYPES)[number]) : fallback;
}

export function coordinates(f: Fields): { latitude: number | null; longitude: number | null } {
  const latitude = f.number('latitude');
  const longitude = f.number('longitude');
  if (latitude === null || longitude === null) return { latitude: null, longitude: null };
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180 || (latitude === 0 && longitude === 0)) {
    f.adjust('latitude', 'coordinates out of range, left out');
    return { latitude: null, longitude: null };
  }
  return { latitude, longitude };
}

function readLocation(f: Fields, fallback: string): OrukLocation {
  const id = idOf(f, 'location', fallback);
  f.skip('organization_id');
  return {
    id,
    location_type: locationType(f.raw('location_type')),
    name: f.line('name'),
    description: f.text('description'),
    url: f.exact('url'),
    ...coordinates(f),
    addresses: f.list(f.pick('addresses', 'address'), (a, i) => readAddress(a, `${id}/address/${i}`)),
    accessibility: f.list(f.pick('accessibility', 'accessibilities'), (a, i) => readAccessibility(a, `${id}/accessibility/${i}`)),
    phones: f.list('phones', (p, i) => readPhone(p, `${id}/phone/${i}`)),
    contacts: f.list('contacts', (c, i) => readContact(c, `${id}/contact/${i}`)),
    schedules: f.list('schedules', (s, i) => readSchedule(s, `${id}/schedule/${i}`)),
    languages: f.list('languages', (l, i) => readLanguage(l, `${id}/language/${i}`)),
    attributes: readAttributes(f, id),
  };
}

function readAddress(f: Fields, fallback: string): OrukAddress | null {
  f.skip('location_id');
  const address: OrukAddress = {
    id: idOf(f, 'address', fallback),
    attention: f.line('attention'),
    address_1: f.line('address_1') ?? '',
    address_2: f.line('address_2'),
    city: f.line('city') ?? '',
    region: f.line('region'),
    state_province: f.line('state_province') ?? '',
    postal_code: f.line('postal_code') ?? '',
    country: f.line('country') ?? 'GB',
    address_type: locationType(f.raw('address_type')),
    attributes: [],
  };
  address.attributes = readAttributes(f, address.id);
  return address;
}

function readAccessibility(f: Fields, fallback: string): OrukAccessibility | null {
  f.skip('location_id');
  const id = idOf(f, 'accessibility', fallback);
  return { id, description: f.text('description'), details: f.text('details'), url: f.exact('url'), attributes: readAttributes(f, id) };
}

export function readPhone(f: Fields, fallback: string): OrukPhone | null {
  f.skip('service_id', 'location_id', 'organization_id', 'contact_id', 'service_at_location_id');
  const number = f.line('number');
  if (!number) {
    f.adjust('number', 'a phone without a number, left out');
    return null;
  }
  const id = idOf(f, 'phone', fallback);
  return {
    id,
    number,
    extension: f.exact('extension'),
    type: f.line('type'),
    description: f.text('description'),
    attributes: readAttributes(f, id),
  };
}

export function readContact(f: Fields, fallback: string): OrukContact | null {
  f.skip('service_id', 'location_id', 'organization_id', 'service_at_location_id');
  const id = idOf(f, 'contact', fallback);
  return {
    id,
    name: f.line('name'),
    title: f.line('title'),
    department: f.line('department'),
    email: f.exact('email'),
    phones: f.list('phones', (p, i) => readPhone(p, `${id}/phone/${i}`)),
    attributes: readAttributes(f, id),
  };
}

const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** RRULE BYDAY: comma-separated days, each optionally with an occurrence (2MO, -1FR). */
export function byday(value: string | null): string | null {
  if (!value) return null;
  const parts = value
    .toUpperCase()
    .split(/[,\s]+/)
    .filter(Boolean);
  return parts.length && parts.every((part) => /^[+-]?\d{0,2}(MO|TU|WE|TH|FR|SA|SU)$/.test(part)) ? parts.join(',') : null;
}

export function frequency(value: unknown): 'WEEKLY' | 'MONTHLY' | null {
  const text = typeof value === 'string' ? value.trim().toUpperCase() : '';
  return text === 'WEEKLY' || text === 'MONTHLY' ? text : null;
}

export function readSchedule(f: Fields, fallback: string): OrukSchedule | null {
  f.skip('service_id', 'location_id', 'service_at_location_id');
  const id = idOf(f, 'schedule', fallback);
  const rawFreq = f.raw('freq');
  const freq = frequency(rawFreq);
  if (!freq && typeof rawFreq === 'string' && rawFreq.trim()) f.adjust('freq', 'only WEEKLY or MONTHLY are kept');
  const rawByday = f.exact('byday');
  const days = byday(rawByday);
  if (rawByday && !days) f.adjust('byday', 'not RRULE days (MO,TU,…), left out');
  const interval = f.number('interval');
  return {
    id,
    valid_from: f.date('valid_from'),
    valid_to: f.date('valid_to'),
    dtstart: f.date('dtstart'),
    until: f.date('until'),
    freq,
    interval: interval === null ? null : Math.trunc(interval),
    byday: days,
    bymonthday: f.exact('bymonthday'),
    opens_at: f.time('opens_at'),
    closes_at: f.time('closes_at'),
    description: f.text('description'),
    attending_type: f.line('attending_type'),
    notes: f.text('notes'),
    attributes: readAttributes(f, id),
  };
}

function readCostOption(f: Fields, fallback: string): OrukCostOption | null {
  f.skip('service_id');
  const id = idOf(f, 'cost_option', fallback);
  return {
    id,
    valid_from: f.date('valid_from'),
    valid_to: f.date('valid_to'),
    option: f.text('option'),
    currency: f.line('currency'),
    amount: f.number('amount'),
    amount_description: f.text('amount_description'),
    attributes: readAttributes(f, id),
  };
}

function readLanguage(f: Fields, fallback: string): OrukLanguage | null {
  f.skip('service_id', 'location_id', 'phone_id');
  const id = idOf(f, 'language', fallback);
  return { id, name: f.line('name'), code: f.line('code'), note: f.text('note'), attributes: readAttributes(f, id) };
}

function readServiceArea(f: Fields, fallback: string): OrukServiceArea | null {
  f.skip('service_id');
  const id = idOf(f, 'service_area', fallback);
  return {
    id,
    name: f.line('name'),
    description: f.text('description'),
    extent: f.exact('extent'),
    extent_type: f.line('extent_type'),
    uri: f.exact('uri'),
    attributes: readAttributes(f, id),
  };
}

function readFunding(f: Fields, fallback: string): OrukFunding | null {
  f.skip('service_id', 'organization_id');
  const id = idOf(f, 'funding', fallback);
  return { id, source: f.text('source'), attributes: readAttributes(f, id) };
}

/** The entity's `attributes`, each with its taxonomy term (an attribute without one cannot be kept). */
export function readAttributes(f: Fields, ownerId: string): OrukAttribute[] {
  return f.list('attributes', (a, i) => {
    a.skip('link_id', 'link_entity', 'taxonomy_term_id');
    const term = a.child('taxonomy_term', (t) => readTerm(t)) ?? termReference(a);
    if (!term) {
      a.ignore('taxonomy_term_id');
      return null;
    }
    return {
      id: idOf(a, 'attribute', `${ownerId}/attribute/${i}`),
      link_type: a.line('link_type'),
      value: a.text('value'),
      taxonomy_term: term,
    };
  });
}

/** An attribute naming a term only by id: kept when the term is one Linkwork knows (resolved by the writer). */
function termReference(a: Fields): OrukTaxonomyTerm | null {
  const termId = a.object.taxonomy_term_id;
  if (typeof termId !== 'string' || !termId.trim()) return null;
  return {
    id: stableId('taxonomy_term', termId, ''),
    code: null,
    name: '',
    description: null,
    parent_id: null,
    taxonomy_id: null,
    language: null,
    term_uri: null,
    taxonomy_detail: null,
  };
}

function readTerm(t: Fields): OrukTaxonomyTerm | null {
  const name = t.line('name');
  const code = t.line('code');
  const sourceId = t.raw('id');
  const id = stableId('taxonomy_term', sourceId, code ?? name ?? '');
  if (!name && !code) return null;
  const detail = t.child(t.pick('taxonomy_detail'), (d) => readTaxonomy(d));
  // `taxonomy` is free text naming the taxonomy (older 3.0 documents nest the object there).
  const taxonomyRaw = t.object.taxonomy;
  let taxonomy: OrukTaxonomy | null = detail;
  if (!taxonomy && isObject(taxonomyRaw)) taxonomy = t.child('taxonomy', (d) => readTaxonomy(d));
  else if (!taxonomy && typeof taxonomyRaw === 'string' && taxonomyRaw.trim()) {
    t.skip('taxonomy');
    taxonomy = { id: stableId('taxonomy', null, `name:${taxonomyRaw.trim()}`), name: taxonomyRaw.trim(), description: null, uri: null, version: null };
  } else t.skip('taxonomy');
  const parent = t.raw('parent_id');
  const taxonomyId = t.raw('taxonomy_id');
  return {
    id,
    code,
    name: name ?? code!,
    description: t.text('description'),
    parent_id: typeof parent === 'string' && parent.trim() ? stableId('taxonomy_term', parent, '') : null,
    taxonomy_id: taxonomy?.id ?? (typeof taxonomyId === 'string' && taxonomyId.trim() ? stableId('taxonomy', taxonomyId, '') : null),
    language: t.line('language'),
    term_uri: t.exact('term_uri'),
    taxonomy_detail: taxonomy,
  };
}

function readTaxonomy(d: Fields): OrukTaxonomy | null {
  const name = d.line('name');
  if (!name) return null;
  return {
    id: stableId('taxonomy', d.raw('id'), `name:${name}`),
    name,
    description: d.text('description'),
    uri: d.exact('uri'),
    version: d.line('version'),
  };
}
