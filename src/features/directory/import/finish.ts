import type { Fields } from './fields.js';
import { RecordRejected, SERVICE_STATUSES, type OrukAttribute, type OrukService } from './model.js';

const MAX_NAME = 300;
const MAX_AGE = 130;

export function readStatus(f: Fields): OrukService['status'] {
  const raw = f.raw('status');
  const text = typeof raw === 'string' ? raw.trim().toLowerCase().replace(/[_-]+/g, ' ') : '';
  if (text === '') {
    f.adjust('status', 'missing, read as active');
    return 'active';
  }
  if ((SERVICE_STATUSES as readonly string[]).includes(text)) return text as OrukService['status'];
  throw new RecordRejected(`status "${String(raw)}" is not one of ${SERVICE_STATUSES.join(', ')}`);
}

/**
 * Checks what the database would refuse, with reasons a curator can act on, and puts the record in
 * canonical form: child lists sorted by id, so a feed that lists the same things in another order
 * (or Linkwork's own export) hashes the same.
 */
export function finishService(service: OrukService): OrukService {
  if (!service.name) throw new RecordRejected('the service has no name');
  if (service.name.length > MAX_NAME) throw new RecordRejected(`the service name is longer than ${MAX_NAME} characters`);
  service.minimum_age = age(service.minimum_age, 'minimum_age');
  service.maximum_age = age(service.maximum_age, 'maximum_age');
  if (service.minimum_age !== null && service.maximum_age !== null && service.minimum_age > service.maximum_age) {
    throw new RecordRejected(`minimum_age ${service.minimum_age} is more than maximum_age ${service.maximum_age}`);
  }
  if (!service.organization && !service.organization_id) throw new RecordRejected('the service has no organization');
  const tidy = canonical(service);
  checkUniqueIds(tidy);
  return tidy;
}

function age(value: number | null, field: string): number | null {
  if (value === null) return null;
  if (!Number.isInteger(value) || value < 0) throw new RecordRejected(`${field} ${value} is not a whole number of years`);
  // Feeds write 999 (or 150) for "no upper limit".
  if (value > MAX_AGE) {
    if (field === 'maximum_age') return null;
    throw new RecordRejected(`${field} ${value} is more than ${MAX_AGE}`);
  }
  return value;
}

/**
 * Sorts every array of objects with ids by id, recursively. An exact repeat (same id, same content,
 * as when a feed lists one audience twice) is dropped: it says nothing more.
 */
function canonical<T>(value: T): T {
  if (Array.isArray(value)) {
    let items = value.map(canonical);
    if (items.every((item) => typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string')) {
      // Only items sharing an id can be exact repeats: compare those (as JSON), not every item.
      const kept = new Map<string, unknown[]>();
      items = items.filter((item) => {
        const id = (item as { id: string }).id;
        const same = kept.get(id);
        if (!same) {
          kept.set(id, [item]);
          return true;
        }
        const text = JSON.stringify(item);
        if (same.some((other) => JSON.stringify(other) === text)) return false;
        same.push(item);
        return true;
      });
      items.sort((a, b) => ((a as { id: string }).id < (b as { id: string }).id ? -1 : (a as { id: string }).id > (b as { id: string }).id ? 1 : 0));
    }
    return items as T;
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key in value) out[key] = canonical(value[key]);
    return out as T;
  }
  return value;
}

/**
 * Within one service, each child id may appear once per kind (a location may be listed at several
 * service-at-locations, and a taxonomy term on several attributes). A repeat would be a primary-key
 * clash in the database; say so plainly instead.
 */
function checkUniqueIds(service: OrukService): void {
  const seen = new Map<string, Set<string>>();
  const locations = new Map<string, string>();
  const note = (kind: string, id: string) => {
    const ids = seen.get(kind) ?? new Set<string>();
    if (ids.has(id)) throw new RecordRejected(`the ${kind.replace(/_/g, ' ')} id ${id} appears twice in this service`);
    ids.add(id);
    seen.set(kind, ids);
  };
  const attributes = (list: OrukAttribute[]) => list.forEach((a) => note('attribute', a.id));
  const phones = (list: { id: string; attributes: OrukAttribute[] }[]) => list.forEach((p) => (note('phone', p.id), attributes(p.attributes)));
  const contacts = (list: OrukService['contacts']) => list.forEach((c) => (note('contact', c.id), attributes(c.attributes), phones(c.phones)));
  const schedules = (list: OrukService['schedules']) => list.forEach((s) => (note('schedule', s.id), attributes(s.attributes)));
  const simple = (kind: string, list: { id: string; attributes: OrukAttribute[] }[]) => list.forEach((x) => (note(kind, x.id), attributes(x.attributes)));

  note('service', service.id);
  attributes(service.attributes);
  phones(service.phones);
  contacts(service.contacts);
  schedules(service.schedules);
  simple('cost_option', service.cost_options);
  simple('language', service.languages);
  simple('service_area', service.service_areas);
  simple('funding', service.funding);
  if (service.organization) {
    attributes(service.organization.attributes);
    phones(service.organization.phones);
    contacts(service.organization.contacts);
    simple('funding', service.organization.funding);
  }
  for (const sal of service.service_at_locations) {
    note('service_at_location', sal.id);
    attributes(sal.attributes);
    phones(sal.phones);
    contacts(sal.contacts);
    schedules(sal.schedules);
    const location = sal.location;
    const text = JSON.stringify(location);
    const before = locations.get(location.id);
    if (before !== undefined) {
      if (before !== text) throw new RecordRejected(`the location id ${location.id} appears twice in this service with different details`);
      continue;
    }
    locations.set(location.id, text);
    attributes(location.attributes);
    phones(location.phones);
    contacts(location.contacts);
    schedules(location.schedules);
    simple('address', location.addresses);
    simple('accessibility', location.accessibility);
    simple('language', location.languages);
  }
}
