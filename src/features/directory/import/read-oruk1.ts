import { ATTRIBUTE_TAXONOMY_ID } from '../taxonomy.js';
import { isUuid, stableId, uuidV5 } from './ids.js';
import { Fields, isObject, type Json, type JsonObject, type ReadNotes } from './fields.js';
import { finishService, readStatus } from './finish.js';
import type { OrukAttribute, OrukLocation, OrukOrganization, OrukSchedule, OrukService, OrukServiceAtLocation, OrukTaxonomyTerm } from './model.js';
import { RecordRejected } from './model.js';
import { byday, coordinates, frequency, readContact, readPhone, sourceIdOf } from './read-oruk3.js';
import { plainText } from './text.js';

/**
 * Reads one ORUK v1 (HSDS 1.x, UK application profile) service into Linkwork's ORUK 3.0 shape:
 *  - ids: kept when they are UUIDs, else a stable UUID v5 of the source id;
 *  - accessibility_for_disabilities → accessibility; physical_address(es) → addresses (physical),
 *    postal_address(es) → addresses (postal); regular_schedule(s) → schedules (weekday → BYDAY);
 *    holiday_schedules → dated schedules;
 *  - eligibility(s) → minimum_age / maximum_age and eligibility_description;
 *  - service_taxonomy(s) / link_taxonomy(s) → attributes with their taxonomy terms (each v1
 *    vocabulary becomes a taxonomy);
 *  - the UK v1 service fields deliverable_type, attending_type and attending_access → attributes in
 *    taxonomies named after them (and "Drop-in" also → Linkwork's drop-in attribute); fees → fees_description;
 *  - Open Objects (`pc_*`) extensions where they mean something ORUK 3.0 has: pc_metadata dates →
 *    last_modified / assured_date, pc_targetAudience → audience attributes,
 *    pc_attendingAccess_additionalInfo → application_process. Any other field is reported as ignored.
 */
export function readOruk1Service(raw: JsonObject, notes: ReadNotes): OrukService {
  const f = new Fields(raw, '', notes);
  f.skip('id');
  const sourceId = sourceIdOf(raw);
  if (!sourceId) throw new RecordRejected('the service has no id');
  const id = stableId('service', sourceId, '');
  f.skip('organization_id');
  const organization = f.child('organization', (o) => readOrganization(o, id));
  const organizationRef = organization ? null : typeof raw.organization_id === 'string' && raw.organization_id.trim() ? raw.organization_id.trim() : null;

  const attributes: OrukAttribute[] = [];
  const serviceAttribute = (vocabulary: string, linkType: string, value: string | null) => {
    if (!value) return;
    attributes.push(codedAttribute(id, vocabulary, linkType, value, value));
  };

  // UK v1 service fields that ORUK 3.0 models as taxonomy terms.
  const deliverableType = f.line('deliverable_type');
  const attendingType = f.line('attending_type');
  const attendingAccess = f.line('attending_access');
  serviceAttribute('ORUK v1 deliverable type', 'deliverable_type', deliverableType);
  serviceAttribute('ORUK v1 attending type', 'attending_type', attendingType);
  serviceAttribute('ORUK v1 attending access', 'attending_access', attendingAccess);
  if (attendingAccess && /drop[\s-]*in/i.test(attendingAccess)) attributes.push(dropInAttribute(id));

  // Open Objects extensions.
  const metadata = f.child('pc_metadata', (m) => {
    const assuredBy = m.exact('assured_by');
    const email = assuredBy && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(assuredBy) ? assuredBy : null;
    if (assuredBy && !email) m.ignore('assured_by');
    return { modified: m.date('date_modified'), assured: m.date('date_assured'), assuredBy: email };
  });
  // Each entry is a link ({id: the link's own id, audienceType: the audience}); the audience is the term.
  f.list('pc_targetAudience', (t) => {
    t.skip('id');
    const audience = t.line('audienceType');
    if (audience) attributes.push(codedAttribute(id, 'Target audience (pc_targetAudience)', 'audience', audience, audience));
    return null;
  });
  const accessInfo = f.text('pc_attendingAccess_additionalInfo');

  const eligibility = readEligibility(f, id, attributes);
  const schedules: OrukSchedule[] = [];
  const salSchedules = new Map<string, OrukSchedule[]>();
  const addSchedule = (schedule: OrukSchedule | null, salSourceId: string | null) => {
    if (!schedule) return;
    if (salSourceId) {
      const key = stableId('service_at_location', salSourceId, '');
      salSchedules.set(key, [...(salSchedules.get(key) ?? []), schedule]);
    } else schedules.push(schedule);
  };
  f.list(f.pick('regular_schedules', 'regular_schedule'), (s, i) => (addSchedule(readRegularSchedule(s, `${id}/schedule/${i}`), salRef(s)), null));
  f.list(f.pick('holiday_schedules', 'holiday_schedule'), (s, i) => (addSchedule(readHolidaySchedule(s, `${id}/holiday/${i}`), salRef(s)), null));

  const serviceAtLocations = f.list('service_at_locations', (s, i) => readServiceAtLocation(s, `${id}/sal/${i}`));
  for (const sal of serviceAtLocations) {
    const extra = salSchedules.get(sal.id);
    if (extra) sal.schedules.push(...extra);
    salSchedules.delete(sal.id);
  }
  // Schedules naming a service-at-location this service does not list stay with the service.
  for (const rest of salSchedules.values()) schedules.push(...rest);

  for (const key of ['service_taxonomys', 'service_taxonomies', 'service_taxonomy']) {
    f.list(key, (t, i) => (pushTaxonomyLink(attributes, t, id, `${id}/service_taxonomy/${i}`, 'service'), null));
  }
  for (const key of ['link_taxonomys', 'link_taxonomies', 'link_taxonomy']) {
    f.list(key, (t, i) => (pushTaxonomyLink(attributes, t, id, `${id}/link_taxonomy/${i}`, null), null));
  }

  const applicationProcess = [f.text('application_process'), attendingAccess && accessInfo ? `${attendingAccess}: ${accessInfo}` : accessInfo]
    .filter(Boolean)
    .join('\n\n');

  const service: OrukService = {
    id,
    source_id: sourceId,
    name: f.line('name') ?? '',
    alternate_name: f.line('alternate_name'),
    description: f.text('description'),
    url: f.exact('url'),
    email: f.exact('email'),
    status: readStatus(f),
    interpretation_services: f.text('interpretation_services'),
    application_process: applicationProcess || null,
    fees_description: f.text('fees_description') ?? f.text('fees'),
    accreditations: f.text('accreditations'),
    eligibility_description: eligibility.description,
    minimum_age: eligibility.minimum,
    maximum_age: eligibility.maximum,
    alert: f.text('alert'),
    assured_date: f.date('assured_date') ?? metadata?.assured ?? null,
    assurer_email: f.exact('assurer_email') ?? metadata?.assuredBy ?? null,
    last_modified: metadata?.modified ? new Date(`${metadata.modified}T00:00:00Z`).toISOString() : null,
    organization,
    organization_id: organizationRef ? stableId('organization', organizationRef, '') : null,
    service_at_locations: serviceAtLocations,
    phones: f.list('phones', (p, i) => readPhone(p, `${id}/phone/${i}`)),
    contacts: f.list('contacts', (c, i) => readContact(c, `${id}/contact/${i}`)),
    schedules,
    cost_options: f.list(f.pick('cost_options', 'cost_option'), (c, i) => {
      c.skip('service_id');
      for (const key of ['link_taxonomys', 'link_taxonomies', 'taxonomys', 'taxonomies']) c.skip(key);
      const costId = stableId('cost_option', c.raw('id'), `${id}/cost/${i}`);
      return {
        id: costId,
        valid_from: c.date('valid_from'),
        valid_to: c.date('valid_to'),
        option: c.text('option'),
        currency: c.line('currency'),
        amount: c.number('amount'),
        amount_description: c.text('amount_description'),
        attributes: taxonomyLinksOf(c, costId),
      };
    }),
    languages: f.list(f.pick('languages', 'language'), (l, i) => {
      l.skip('service_id');
      const text = l.line('language') ?? l.line('name');
      if (!text) return null;
      const isCode = /^[a-z]{2,3}$/i.test(text);
      return { id: stableId('language', l.raw('id'), `${id}/language/${i}`), name: isCode ? null : text, code: isCode ? text.toLowerCase() : l.line('code'), note: l.text('note'), attributes: [] };
    }),
    service_areas: f.list(f.pick('service_areas', 'service_area'), (a, i) => {
      a.skip('service_id');
      for (const key of ['link_taxonomys', 'link_taxonomies', 'taxonomys', 'taxonomies']) a.skip(key);
      const extent = a.exact('extent');
      const areaId = stableId('service_area', a.raw('id'), `${id}/area/${i}`);
      return {
        id: areaId,
        name: a.line('service_area') ?? a.line('name'),
        description: a.text('description'),
        extent,
        extent_type: a.line('extent_type') ?? (extent ? (extent.startsWith('{') ? 'geojson' : 'text') : null),
        uri: a.exact('uri'),
        attributes: taxonomyLinksOf(a, areaId),
      };
    }),
    funding: f.list(f.pick('fundings', 'funding'), (g, i) => {
      g.skip('service_id');
      return { id: stableId('funding', g.raw('id'), `${id}/funding/${i}`), source: g.text('source'), attributes: [] };
    }),
    // One attribute per term: a feed may list an audience twice, or once as "Carers" and once as "carers ".
    attributes: [...new Map(attributes.map((a) => [a.id, a])).values()],
  };
  f.done();
  return finishService(service);
}

function readOrganization(f: Fields, serviceId: string): OrukOrganization | null {
  const rawId = f.raw('id');
  const sourceId = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId).trim() : '';
  const id = stableId('organization', sourceId, `${serviceId}/organization`);
  const name = f.line('name');
  if (!name) throw new RecordRejected('the organization has no name');
  f.skip('services'); // the organization's other services: each is imported as itself
  return {
    id,
    source_id: sourceId || id,
    name,
    alternate_name: f.line('alternate_name'),
    description: f.text('description'),
    email: f.exact('email'),
    website: f.exact('url') ?? f.exact('website'),
    logo: f.exact('logo'),
    uri: f.exact('uri'),
    phones: f.list('phones', (p, i) => readPhone(p, `${id}/phone/${i}`)),
    contacts: f.list('contacts', (c, i) => readContact(c, `${id}/contact/${i}`)),
    funding: f.list(f.pick('fundings', 'funding'), (g, i) => {
      g.skip('organization_id');
      return { id: stableId('funding', g.raw('id'), `${id}/funding/${i}`), source: g.text('source'), attributes: [] };
    }),
    attributes: [],
  };
}

function readEligibility(f: Fields, serviceId: string, attributes: OrukAttribute[]) {
  const descriptions: string[] = [];
  let minimum: number | null = null;
  let maximum: number | null = null;
  for (const key of ['eligibilitys', 'eligibilities', 'eligibility']) {
    f.list(key, (e, i) => {
      e.skip('service_id', 'id'); // folded into the service: its own id has nowhere to go and says nothing
      const text = e.text('eligibility');
      if (text) descriptions.push(text);
      const min = e.number('minimum_age');
      const max = e.number('maximum_age');
      if (min !== null) minimum = minimum === null ? min : Math.min(minimum, min);
      if (max !== null) maximum = maximum === null ? max : Math.max(maximum, max);
      for (const link of ['link_taxonomys', 'link_taxonomies', 'taxonomys', 'taxonomies']) {
        e.list(link, (t, j) => (pushTaxonomyLink(attributes, t, serviceId, `${serviceId}/eligibility/${i}/${j}`, 'eligibility'), null));
      }
      return null;
    });
  }
  const description = [f.text('eligibility_description'), ...descriptions].filter(Boolean).join('\n');
  return { description: description || null, minimum: f.number('minimum_age') ?? minimum, maximum: f.number('maximum_age') ?? maximum };
}

function salRef(f: Fields): string | null {
  f.skip('service_id', 'location_id');
  const direct = f.raw('service_at_location_id');
  if (typeof direct === 'string' && direct.trim()) return direct.trim();
  const nested = f.raw('service_at_location');
  return isObject(nested) && typeof nested.id === 'string' && nested.id.trim() ? nested.id.trim() : null;
}

const WEEKDAYS: Record<string, string> = {
  '1': 'MO', '2': 'TU', '3': 'WE', '4': 'TH', '5': 'FR', '6': 'SA', '7': 'SU', '0': 'SU',
  monday: 'MO', tuesday: 'TU', wednesday: 'WE', thursday: 'TH', friday: 'FR', saturday: 'SA', sunday: 'SU',
  mon: 'MO', tue: 'TU', wed: 'WE', thu: 'TH', fri: 'FR', sat: 'SA', sun: 'SU',
  mo: 'MO', tu: 'TU', we: 'WE', th: 'TH', fr: 'FR', sa: 'SA', su: 'SU',
};

function readRegularSchedule(f: Fields, fallback: string): OrukSchedule | null {
  const id = stableId('schedule', f.raw('id'), fallback);
  const weekdayRaw = f.raw('weekday');
  const weekday = weekdayRaw === null || weekdayRaw === undefined ? null : (WEEKDAYS[String(weekdayRaw).trim().toLowerCase()] ?? null);
  if (weekdayRaw !== null && weekdayRaw !== undefined && String(weekdayRaw).trim() !== '' && !weekday) f.adjust('weekday', 'not a day of the week, left out');
  const rawByday = f.exact('byday');
  const days = byday(rawByday) ?? weekday;
  const rawFreq = f.raw('freq');
  let freq = frequency(rawFreq);
  if (!freq && typeof rawFreq === 'string' && rawFreq.trim()) {
    if (rawFreq.trim().toUpperCase() === 'DAILY') freq = 'WEEKLY';
    else f.adjust('freq', 'only WEEKLY or MONTHLY are kept');
  }
  const interval = f.number('interval');
  return {
    id,
    valid_from: f.date('valid_from'),
    valid_to: f.date('valid_to'),
    dtstart: f.date('dtstart'),
    until: f.date('until'),
    freq: freq ?? (days ? 'WEEKLY' : null),
    interval: interval === null ? null : Math.trunc(interval),
    byday: days ?? (rawFreq === 'DAILY' ? 'MO,TU,WE,TH,FR,SA,SU' : null),
    bymonthday: f.exact('bymonthday'),
    opens_at: f.time('opens_at'),
    closes_at: f.time('closes_at'),
    description: f.text('description'),
    attending_type: f.line('attending_type'),
    notes: f.text('notes'),
    attributes: [],
  };
}

function readHolidaySchedule(f: Fields, fallback: string): OrukSchedule | null {
  const id = stableId('schedule', f.raw('id'), fallback);
  const closedRaw = f.raw('closed');
  const closed = closedRaw === true || (typeof closedRaw === 'string' && /^(true|yes|1)$/i.test(closedRaw.trim()));
  const opensAt = f.time('opens_at');
  const closesAt = f.time('closes_at');
  return {
    id,
    valid_from: f.date('start_date'),
    valid_to: f.date('end_date'),
    dtstart: null,
    until: null,
    freq: null,
    interval: null,
    byday: null,
    bymonthday: null,
    opens_at: closed ? null : opensAt,
    closes_at: closed ? null : closesAt,
    description: closed ? 'Closed (holiday)' : 'Holiday opening times',
    attending_type: null,
    notes: plainText(f.raw('description')),
    attributes: [],
  };
}

function readServiceAtLocation(f: Fields, fallback: string): OrukServiceAtLocation | null {
  const id = stableId('service_at_location', f.raw('id'), fallback);
  f.skip('service_id', 'location_id');
  const location = f.child('location', (l) => readLocation(l, `${id}/location`));
  if (!location) return null;
  const schedules: OrukSchedule[] = [];
  f.list(f.pick('regular_schedules', 'regular_schedule'), (s, i) => {
    s.skip('service_at_location', 'service_at_location_id');
    const schedule = readRegularSchedule(s, `${id}/schedule/${i}`);
    if (schedule) schedules.push(schedule);
    return null;
  });
  f.list(f.pick('holiday_schedules', 'holiday_schedule'), (s, i) => {
    s.skip('service_at_location', 'service_at_location_id', 'service_id');
    const schedule = readHolidaySchedule(s, `${id}/holiday/${i}`);
    if (schedule) schedules.push(schedule);
    return null;
  });
  return {
    id,
    description: f.text('description'),
    location,
    phones: f.list('phones', (p, i) => readPhone(p, `${id}/phone/${i}`)),
    contacts: f.list('contacts', (c, i) => readContact(c, `${id}/contact/${i}`)),
    schedules,
    attributes: [],
  };
}

function readLocation(f: Fields, fallback: string): OrukLocation {
  const id = stableId('location', f.raw('id'), fallback);
  const addresses: OrukLocation['addresses'] = [];
  const readAddresses = (key: string, type: 'physical' | 'postal') =>
    f.list(key, (a, i) => {
      a.skip('location_id');
      const extra = [a.line('address_2'), a.line('address_3'), a.line('address_4')].filter(Boolean).join(', ');
      addresses.push({
        id: stableId('address', a.raw('id'), `${id}/${type}/${i}`),
        attention: a.line('attention'),
        address_1: a.line('address_1') ?? '',
        address_2: extra || null,
        city: a.line('city') ?? '',
        region: a.line('region'),
        state_province: a.line('state_province') ?? '',
        postal_code: a.line('postal_code') ?? '',
        country: a.line('country') ?? 'GB',
        address_type: type,
        attributes: [],
      });
      return null;
    });
  for (const key of ['physical_addresses', 'physical_address']) readAddresses(key, 'physical');
  for (const key of ['postal_addresses', 'postal_address']) readAddresses(key, 'postal');
  const accessibility: OrukLocation['accessibility'] = [];
  for (const key of ['accessibility_for_disabilities', 'accessibility_for_disability']) {
    f.list(key, (a, i) => {
      a.skip('location_id');
      const description = a.text('accessibility') ?? a.text('description');
      const details = a.text('details');
      if (description || details) {
        accessibility.push({ id: stableId('accessibility', a.raw('id'), `${id}/accessibility/${i}`), description, details, url: a.exact('url'), attributes: [] });
      }
      return null;
    });
  }
  const schedules: OrukSchedule[] = [];
  f.list(f.pick('regular_schedules', 'regular_schedule'), (s, i) => {
    const schedule = readRegularSchedule(s, `${id}/schedule/${i}`);
    if (schedule) schedules.push(schedule);
    return null;
  });
  return {
    id,
    location_type: 'physical',
    name: f.line('name'),
    description: f.text('description'),
    url: f.exact('url'),
    ...coordinates(f),
    addresses,
    accessibility,
    phones: f.list('phones', (p, i) => readPhone(p, `${id}/phone/${i}`)),
    contacts: f.list('contacts', (c, i) => readContact(c, `${id}/contact/${i}`)),
    schedules,
    languages: f.list(f.pick('languages', 'language'), (l, i) => {
      l.skip('location_id');
      const text = l.line('language') ?? l.line('name');
      if (!text) return null;
      const isCode = /^[a-z]{2,3}$/i.test(text);
      return { id: stableId('language', l.raw('id'), `${id}/language/${i}`), name: isCode ? null : text, code: isCode ? text.toLowerCase() : null, note: null, attributes: [] };
    }),
    attributes: [],
  };
}

/** A v1 `service_taxonomy` or `link_taxonomy` row ({id, taxonomy_id, taxonomy: {...}, link_type}). */
function pushTaxonomyLink(attributes: OrukAttribute[], t: Fields, ownerId: string, fallback: string, linkType: string | null): void {
  t.skip('service_id', 'link_id', 'eligibility_id', 'service_area_id', 'cost_option_id', 'organization_id');
  const term = t.child('taxonomy', (x) => readV1Taxonomy(x)) ?? v1TermFromId(t.raw('taxonomy_id'), null);
  if (!term) return;
  attributes.push({
    id: stableId('attribute', t.raw('id'), fallback),
    link_type: t.line('link_type') ?? linkType,
    value: null,
    taxonomy_term: term,
  });
}

function taxonomyLinksOf(f: Fields, ownerId: string): OrukAttribute[] {
  const attributes: OrukAttribute[] = [];
  for (const key of ['link_taxonomys', 'link_taxonomies', 'taxonomys', 'taxonomies']) {
    f.list(key, (t, i) => {
      if (t.object.taxonomy !== undefined || t.object.taxonomy_id !== undefined) pushTaxonomyLink(attributes, t, ownerId, `${ownerId}/${key}/${i}`, null);
      else {
        t.skip('link_type');
        const term = readV1Taxonomy(t);
        if (term) attributes.push({ id: uuidV5(`attribute@${ownerId}/${key}/${i}`), link_type: null, value: null, taxonomy_term: term });
      }
      return null;
    });
  }
  return attributes;
}

/** A v1 taxonomy ({id, name, vocabulary, parent_id}) as an HSDS 3.0 term in a taxonomy per vocabulary. */
function readV1Taxonomy(x: Fields): OrukTaxonomyTerm | null {
  const vocabulary = x.line('vocabulary');
  const term = v1TermFromId(x.raw('id'), vocabulary);
  const name = x.line('name');
  if (!term || !name) return null;
  term.name = name;
  const parentRaw = x.raw(x.pick('parent_id', 'parent'));
  const parentId = isObject(parentRaw) ? parentRaw.id : parentRaw;
  const parent = v1TermFromId(parentId as Json, vocabulary);
  term.parent_id = parent?.id ?? null;
  term.description = x.text('description');
  return term;
}

function v1TermFromId(rawId: Json | undefined, vocabulary: string | null): OrukTaxonomyTerm | null {
  const code = typeof rawId === 'number' ? String(rawId) : typeof rawId === 'string' ? rawId.trim() : '';
  if (!code) return null;
  const taxonomyName = vocabulary ?? 'ORUK v1 taxonomy (no vocabulary given)';
  const taxonomyId = uuidV5(`taxonomy:name:${taxonomyName}`);
  return {
    id: isUuid(code) ? code.toLowerCase() : uuidV5(`taxonomy_term:${taxonomyName}:${code}`),
    code: isUuid(code) ? null : code,
    name: code,
    description: null,
    parent_id: null,
    taxonomy_id: taxonomyId,
    language: null,
    term_uri: null,
    taxonomy_detail: { id: taxonomyId, name: taxonomyName, description: null, uri: null, version: null },
  };
}

/** An attribute coded in a taxonomy Linkwork names after a v1 field, with a stable term per value. */
function codedAttribute(ownerId: string, taxonomyName: string, linkType: string, code: string, name: string): OrukAttribute {
  const taxonomyId = uuidV5(`taxonomy:name:${taxonomyName}`);
  const termId = uuidV5(`taxonomy_term:${taxonomyName}:${code.toLowerCase()}`);
  return {
    id: uuidV5(`attribute:${ownerId}:${termId}`),
    link_type: linkType,
    value: null,
    taxonomy_term: {
      id: termId,
      code,
      name,
      description: null,
      parent_id: null,
      taxonomy_id: taxonomyId,
      language: null,
      term_uri: null,
      taxonomy_detail: { id: taxonomyId, name: taxonomyName, description: null, uri: null, version: null },
    },
  };
}

/** Linkwork's own drop-in attribute (fixed id, seeded by migrations/0003_directory.sql). */
function dropInAttribute(ownerId: string): OrukAttribute {
  const termId = 'bf0bcf92-9c1a-5601-bf70-aa5ae45694c4';
  return {
    id: uuidV5(`attribute:${ownerId}:${termId}`),
    link_type: 'attribute',
    value: null,
    taxonomy_term: {
      id: termId,
      code: 'drop-in',
      name: 'Drop-in, no appointment needed',
      description: null,
      parent_id: null,
      taxonomy_id: ATTRIBUTE_TAXONOMY_ID,
      language: null,
      term_uri: null,
      taxonomy_detail: null,
    },
  };
}
