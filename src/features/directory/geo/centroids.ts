import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import type { DB } from '../../../platform/db/schema.js';
import type { PostcodeCentroidTable } from '../../../platform/db/directory-schema.js';

/** The shipped centroid files (see centroids/README.md for their source and attribution). */
export const CENTROID_FILES = {
  sector: new URL('./centroids/postcode-sectors.csv', import.meta.url),
  district: new URL('./centroids/postcode-districts.csv', import.meta.url),
} as const;

/** Rows per INSERT: 4 parameters each, far below PostgreSQL's 65,535, and fast on PGlite. */
const BATCH = 2000;

/**
 * Parses one shipped file: `area,latitude,longitude,postcodes`. These files are ours, plain and
 * unquoted, so a split is enough here (unit-level ONS files go through csv-parse instead).
 */
export function readCentroidFile(kind: 'sector' | 'district'): PostcodeCentroidTable[] {
  const lines = readFileSync(CENTROID_FILES[kind], 'utf8').split(/\r?\n/);
  const rows: PostcodeCentroidTable[] = [];
  for (const line of lines.slice(1)) {
    if (!line.trim()) continue;
    const [postcode, latitude, longitude] = line.split(',');
    rows.push({ postcode: postcode!.trim(), kind, latitude: Number(latitude), longitude: Number(longitude) });
  }
  return rows;
}

/**
 * Loads the shipped sector and district centroids into postcode_centroid once. Called after
 * migrations at start-up (server and CLI): when they are there already it is one indexed-or-early
 * lookup and nothing else. The load is one transaction, so a half-loaded table cannot look loaded;
 * ON CONFLICT DO NOTHING lets two processes starting together both succeed.
 */
export async function ensurePostcodeCentroids(db: Database | Kysely<DB>): Promise<{ loaded: number }> {
  const kysely = 'kysely' in db ? db.kysely : db;
  const present = await sql<{ sector: boolean; district: boolean }>`
    SELECT EXISTS (SELECT 1 FROM postcode_centroid WHERE kind = 'sector') AS sector,
           EXISTS (SELECT 1 FROM postcode_centroid WHERE kind = 'district') AS district`.execute(kysely);
  const row = present.rows[0];
  if (row?.sector && row.district) return { loaded: 0 };

  const rows = [...readCentroidFile('district'), ...readCentroidFile('sector')];
  await kysely.transaction().execute(async (tx) => {
    for (let start = 0; start < rows.length; start += BATCH) {
      await tx
        .insertInto('postcodeCentroid')
        .values(rows.slice(start, start + BATCH))
        .onConflict((oc) => oc.column('postcode').doNothing())
        .execute();
    }
  });
  return { loaded: rows.length };
}
