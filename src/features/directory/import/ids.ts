import { createHash } from 'node:crypto';

/**
 * Ids for imported records. ORUK 3.0 ids are UUIDs; ORUK v1 feeds use whatever their software uses.
 * A valid UUID is kept (lower-cased); anything else becomes a UUID v5 derived from it, so the same
 * source id always gives the same UUID and a re-import finds its earlier rows.
 */

/** UUID v5 of the URL namespace and "https://linkwork.invalid/directory/import". */
export const IMPORT_NAMESPACE = '6e9bd0c2-4d5d-52ef-9ee2-be0ca3113e7f';

// PostgreSQL's uuid type takes any 32 hex digits in this shape, whatever the version bits say,
// and real feeds use such ids (the North Lincolnshire feed's have no RFC 4122 variant).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** RFC 4122 name-based UUID (SHA-1, version 5). */
export function uuidV5(name: string, namespace = IMPORT_NAMESPACE): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id to store for a source record of `entity`: the source id when it is a UUID, else a UUID v5 of
 * entity and source id; without any source id, one derived from where the record sits (`fallback`,
 * e.g. the parent's id and the record's position), which is stable while the feed keeps its order.
 */
export function stableId(entity: string, sourceId: unknown, fallback: string): string {
  if (isUuid(sourceId)) return sourceId.toLowerCase();
  const text = typeof sourceId === 'number' ? String(sourceId) : typeof sourceId === 'string' ? sourceId.trim() : '';
  return text ? uuidV5(`${entity}:${text}`) : uuidV5(`${entity}@${fallback}`);
}
