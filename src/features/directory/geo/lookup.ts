import type { Kysely } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import type { DB } from '../../../platform/db/schema.js';
import { checkPostcode } from '../../../platform/domain/postcode.js';

export type PostcodePrecision = 'unit' | 'sector' | 'district';

export interface PostcodeLocation {
  /** The normalised postcode that was looked up, e.g. "BS5 6XX" (or the district, e.g. "BS5"). */
  postcode: string;
  latitude: number;
  longitude: number;
  /** How close the point is likely to be: the unit postcode itself, its sector ("BS5 6") or its district ("BS5"). */
  precision: PostcodePrecision;
}

/** Postcode sector: the outward code and the first digit of the inward code, e.g. "BS5 6". */
export function postcodeSector(postcode: string): string {
  const [outward, inward] = postcode.split(' ');
  return `${outward} ${inward!.charAt(0)}`;
}

const DISTRICT = /^[A-Z]{1,2}[0-9][0-9A-Z]?$/;
const SECTOR = /^([A-Z]{1,2}[0-9][0-9A-Z]?) ([0-9])$/; // the space is needed: "BS10" is a district

/**
 * The centroid of a postcode, trying the unit postcode (when unit data was imported), then its
 * sector, then its district. Also accepts a bare district ("E3") or sector ("BS5 6"). Returns
 * undefined when the text is not a postcode or none of the three is known.
 *
 * postcode_centroid is shared reference data without row-level security, so any connection may read it.
 */
export async function lookupPostcode(db: Database | Kysely<DB>, raw: string): Promise<PostcodeLocation | undefined> {
  const kysely = 'kysely' in db ? db.kysely : db;
  const candidates = postcodeCandidates(raw);
  if (candidates.length === 0) return undefined;
  const rows = await kysely
    .selectFrom('postcodeCentroid')
    .select(['postcode', 'kind', 'latitude', 'longitude'])
    .where('postcode', 'in', candidates.map((c) => c.postcode))
    .execute();
  for (const candidate of candidates) {
    const row = rows.find((r) => r.postcode === candidate.postcode && r.kind === candidate.precision);
    if (row) return { postcode: candidate.postcode, latitude: Number(row.latitude), longitude: Number(row.longitude), precision: candidate.precision };
  }
  return undefined;
}

/** The keys to try, finest first. Exported for tests. */
export function postcodeCandidates(raw: string): { postcode: string; precision: PostcodePrecision }[] {
  const text = raw.trim().toUpperCase().replace(/\s+/g, ' ');
  const checked = checkPostcode(text);
  if (checked.ok) {
    const unit = checked.value;
    return [
      { postcode: unit, precision: 'unit' },
      { postcode: postcodeSector(unit), precision: 'sector' },
      { postcode: unit.split(' ')[0]!, precision: 'district' },
    ];
  }
  const sector = SECTOR.exec(text);
  if (sector) {
    return [
      { postcode: `${sector[1]} ${sector[2]}`, precision: 'sector' },
      { postcode: sector[1]!, precision: 'district' },
    ];
  }
  if (DISTRICT.test(text)) return [{ postcode: text, precision: 'district' }];
  return [];
}
