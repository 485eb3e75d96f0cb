/**
 * For tests: the field names, types and required fields of HSDS 3.0 entities, taken from the
 * standard's JSON schemas (openreferral/specification, branch 3.0, schema/*.json and
 * schema/compiled/*.json; the UK profile removes fields but requires none beyond these), and a
 * checker that walks an API response against them. It is written out independently of the
 * TypeBox response schemas in schemas.ts, so the two check each other.
 *
 * Stricter than the JSON schemas in three ways, all to catch mistakes: a property the standard does
 * not define is an error (that is how an internal column would show), null is an error (HSDS has no
 * nullable fields), and values with a `datapackage_type` of date or time must look like one.
 */

export type FieldType =
  | 'string'
  | 'uuid'
  | 'uri'
  | 'email'
  | 'date'
  | 'date-time'
  | 'time'
  | 'number'
  | 'integer'
  | 'boolean'
  | { enum: readonly string[] }
  | { object: EntityName }
  | { array: EntityName };

export interface EntityShape {
  required: readonly string[];
  fields: Readonly<Record<string, FieldType>>;
}

export type EntityName =
  | 'service' | 'organization' | 'location' | 'service_at_location' | 'address' | 'phone' | 'contact' | 'schedule' | 'service_area'
  | 'language' | 'funding' | 'cost_option' | 'accessibility' | 'attribute' | 'taxonomy_term' | 'taxonomy' | 'program'
  | 'required_document' | 'organization_identifier' | 'metadata';

const many = (entity: EntityName): FieldType => ({ array: entity });
const one = (entity: EntityName): FieldType => ({ object: entity });
const LOCATION_TYPES: FieldType = { enum: ['physical', 'postal', 'virtual'] };

const metadataFields: Record<string, FieldType> = { metadata: many('metadata') };

export const HSDS: Record<EntityName, EntityShape> = {
  service: {
    required: ['id', 'name', 'status'],
    fields: {
      id: 'uuid', organization_id: 'uuid', program_id: 'uuid', name: 'string', alternate_name: 'string', description: 'string', url: 'uri',
      email: 'email', status: { enum: ['active', 'inactive', 'defunct', 'temporarily closed'] }, interpretation_services: 'string',
      application_process: 'string', fees_description: 'string', wait_time: 'string', fees: 'string', accreditations: 'string',
      eligibility_description: 'string', minimum_age: 'number', maximum_age: 'number', assured_date: 'date', assurer_email: 'email',
      licenses: 'string', alert: 'string', last_modified: 'date-time', phones: many('phone'), schedules: many('schedule'),
      service_areas: many('service_area'), service_at_locations: many('service_at_location'), languages: many('language'),
      organization: one('organization'), funding: many('funding'), cost_options: many('cost_option'), program: one('program'),
      required_documents: many('required_document'), contacts: many('contact'), attributes: many('attribute'), ...metadataFields,
    },
  },
  organization: {
    required: ['id', 'name', 'description'],
    fields: {
      id: 'uuid', name: 'string', alternate_name: 'string', description: 'string', email: 'email', website: 'uri', tax_status: 'string',
      tax_id: 'string', year_incorporated: 'number', legal_status: 'string', logo: 'string', uri: 'uri', parent_organization_id: 'uuid',
      funding: many('funding'), contacts: many('contact'), phones: many('phone'), locations: many('location'), programs: many('program'),
      organization_identifiers: many('organization_identifier'), attributes: many('attribute'), ...metadataFields,
      // compiled/organization.json
      services: many('service'),
    },
  },
  location: {
    required: ['id', 'location_type'],
    fields: {
      id: 'uuid', location_type: LOCATION_TYPES, url: 'uri', organization_id: 'uuid', name: 'string', alternate_name: 'string',
      description: 'string', transportation: 'string', latitude: 'number', longitude: 'number', external_identifier: 'string',
      external_identifier_type: 'string', languages: many('language'), addresses: many('address'), contacts: many('contact'),
      accessibility: many('accessibility'), phones: many('phone'), schedules: many('schedule'), attributes: many('attribute'), ...metadataFields,
    },
  },
  service_at_location: {
    required: ['id'],
    fields: {
      id: 'uuid', service_id: 'uuid', location_id: 'uuid', description: 'string', contacts: many('contact'), phones: many('phone'),
      schedules: many('schedule'), location: one('location'), attributes: many('attribute'), ...metadataFields,
      // compiled/service_at_location.json and service_at_location_list.json
      service: one('service'),
    },
  },
  address: {
    required: ['id', 'address_1', 'city', 'state_province', 'postal_code', 'country', 'address_type'],
    fields: {
      id: 'uuid', location_id: 'uuid', attention: 'string', address_1: 'string', address_2: 'string', city: 'string', region: 'string',
      state_province: 'string', postal_code: 'string', country: 'string', address_type: LOCATION_TYPES, attributes: many('attribute'), ...metadataFields,
    },
  },
  phone: {
    required: ['id', 'number'],
    fields: {
      id: 'uuid', location_id: 'uuid', service_id: 'uuid', organization_id: 'uuid', contact_id: 'uuid', service_at_location_id: 'uuid',
      number: 'string', extension: 'number', type: 'string', description: 'string', languages: many('language'), attributes: many('attribute'),
      ...metadataFields,
    },
  },
  contact: {
    required: ['id'],
    fields: {
      id: 'uuid', organization_id: 'uuid', service_id: 'uuid', service_at_location_id: 'uuid', location_id: 'uuid', name: 'string',
      title: 'string', department: 'string', email: 'email', phones: many('phone'), attributes: many('attribute'), ...metadataFields,
    },
  },
  schedule: {
    required: ['id'],
    fields: {
      id: 'uuid', service_id: 'uuid', location_id: 'uuid', service_at_location_id: 'uuid', valid_from: 'date', valid_to: 'date',
      dtstart: 'date', timezone: 'number', until: 'date', count: 'number', wkst: { enum: ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] },
      freq: { enum: ['WEEKLY', 'MONTHLY'] }, interval: 'number', byday: 'string', byweekno: 'string', bymonthday: 'string',
      byyearday: 'string', description: 'string', opens_at: 'time', closes_at: 'time', schedule_link: 'uri', attending_type: 'string',
      notes: 'string', attributes: many('attribute'), ...metadataFields,
    },
  },
  service_area: {
    required: ['id'],
    fields: {
      id: 'uuid', service_id: 'uuid', name: 'string', description: 'string', extent: 'string', extent_type: 'string', uri: 'string',
      attributes: many('attribute'), ...metadataFields,
    },
  },
  language: {
    required: ['id'],
    fields: {
      id: 'uuid', service_id: 'uuid', location_id: 'uuid', phone_id: 'uuid', name: 'string', code: 'string', note: 'string',
      attributes: many('attribute'), ...metadataFields,
    },
  },
  funding: {
    required: ['id'],
    fields: { id: 'uuid', organization_id: 'uuid', service_id: 'uuid', source: 'string', attributes: many('attribute'), ...metadataFields },
  },
  cost_option: {
    required: ['id'],
    fields: {
      id: 'uuid', service_id: 'uuid', valid_from: 'date', valid_to: 'date', option: 'string', currency: 'string', amount: 'number',
      amount_description: 'string', attributes: many('attribute'), ...metadataFields,
    },
  },
  accessibility: {
    required: ['id'],
    fields: { id: 'uuid', location_id: 'uuid', description: 'string', details: 'string', url: 'uri', attributes: many('attribute'), ...metadataFields },
  },
  attribute: {
    required: ['id'],
    fields: {
      id: 'uuid', link_id: 'uuid', taxonomy_term_id: 'uuid', link_type: 'string', link_entity: 'string', value: 'string',
      taxonomy_term: one('taxonomy_term'), ...metadataFields,
    },
  },
  taxonomy_term: {
    required: ['id', 'name', 'description'],
    fields: {
      id: 'uuid', code: 'string', name: 'string', description: 'string', parent_id: 'uuid', taxonomy: 'string',
      taxonomy_detail: one('taxonomy'), language: 'string', taxonomy_id: 'uuid', term_uri: 'uri', ...metadataFields,
    },
  },
  taxonomy: {
    required: ['id', 'name', 'description'],
    fields: { id: 'uuid', name: 'string', description: 'string', uri: 'uri', version: 'string', ...metadataFields },
  },
  program: {
    required: ['id', 'name', 'description'],
    fields: { id: 'uuid', organization_id: 'uuid', name: 'string', alternate_name: 'string', description: 'string', attributes: many('attribute'), ...metadataFields },
  },
  required_document: {
    required: ['id'],
    fields: { id: 'uuid', service_id: 'uuid', document: 'string', uri: 'uri', attributes: many('attribute'), ...metadataFields },
  },
  organization_identifier: {
    required: ['id', 'identifier_type', 'identifier'],
    fields: { id: 'uuid', organization_id: 'uuid', identifier_scheme: 'string', identifier_type: 'string', identifier: 'string', attributes: many('attribute'), ...metadataFields },
  },
  metadata: {
    required: ['id', 'last_action_date', 'last_action_type', 'field_name', 'previous_value', 'replacement_value', 'updated_by'],
    fields: {
      id: 'uuid', resource_id: 'uuid', resource_type: 'string', last_action_date: 'date', last_action_type: 'string', field_name: 'string',
      previous_value: 'string', replacement_value: 'string', updated_by: 'string',
    },
  },
};

/** The openapi.json `Page` schema, with `contents`. */
export const PAGE_FIELDS = {
  total_items: 'integer',
  total_pages: 'integer',
  page_number: 'integer',
  size: 'integer',
  first_page: 'boolean',
  last_page: 'boolean',
  empty: 'boolean',
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}:\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function checkValue(value: unknown, type: FieldType, path: string, problems: string[]): void {
  if (value === null) {
    problems.push(`${path}: null (HSDS fields are not nullable; leave it out)`);
    return;
  }
  if (typeof type === 'object') {
    if ('enum' in type) {
      if (typeof value !== 'string' || !type.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${type.enum.join(', ')}`);
    } else if ('object' in type) {
      checkEntity(value, type.object, path, problems);
    } else if (!Array.isArray(value)) {
      problems.push(`${path}: expected an array`);
    } else {
      value.forEach((item, i) => checkEntity(item, type.array, `${path}[${i}]`, problems));
    }
    return;
  }
  const fail = (expected: string): void => {
    problems.push(`${path}: ${JSON.stringify(value)} is not ${expected}`);
  };
  switch (type) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail('a number');
      return;
    case 'integer':
      if (!Number.isInteger(value)) fail('an integer');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') fail('a boolean');
      return;
  }
  if (typeof value !== 'string') return fail('a string');
  if (type === 'uuid' && !UUID.test(value)) fail('a UUID');
  if (type === 'date' && !DATE.test(value)) fail('a date (YYYY-MM-DD)');
  if (type === 'time' && !TIME.test(value)) fail('a time (HH:MM:SS)');
  if (type === 'date-time' && (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) fail('an ISO 8601 date-time');
  if (type === 'uri' && !URL.canParse(value)) fail('an absolute URI');
  if (type === 'email' && !/^[^\s@]+@[^\s@]+$/.test(value)) fail('an email address');
}

/** Every way `value` departs from the HSDS entity's shape, as readable lines (empty when it conforms). */
export function checkEntity(value: unknown, entity: EntityName, path: string = entity, problems: string[] = []): string[] {
  const shape: EntityShape = HSDS[entity];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: expected a ${entity} object`);
    return problems;
  }
  const record = value as Record<string, unknown>;
  for (const field of shape.required) {
    if (!(field in record)) problems.push(`${path}.${field}: required by HSDS ${entity}, missing`);
  }
  for (const [field, fieldValue] of Object.entries(record)) {
    const type = shape.fields[field];
    if (!type) problems.push(`${path}.${field}: not an HSDS ${entity} field`);
    else checkValue(fieldValue, type, `${path}.${field}`, problems);
  }
  return problems;
}

/** Checks the paginated envelope and each item of `contents` (items may be checked as another shape, e.g. minimal services). */
export function checkPage(value: unknown, entity: EntityName | null): string[] {
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null) return ['page: expected an object'];
  const record = value as Record<string, unknown>;
  const expected = [...Object.keys(PAGE_FIELDS), 'contents'];
  for (const key of Object.keys(record)) if (!expected.includes(key)) problems.push(`page.${key}: not a Page field`);
  for (const [field, type] of Object.entries(PAGE_FIELDS)) {
    if (!(field in record)) problems.push(`page.${field}: missing`);
    else checkValue(record[field], type, `page.${field}`, problems);
  }
  if (!Array.isArray(record.contents)) problems.push('page.contents: expected an array');
  else if (entity) record.contents.forEach((item, i) => checkEntity(item, entity, `contents[${i}]`, problems));
  return problems;
}

/** Every property name anywhere in a JSON value. */
export function allKeys(value: unknown, keys = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => allKeys(v, keys));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      keys.add(k);
      allKeys(v, keys);
    }
  }
  return keys;
}
