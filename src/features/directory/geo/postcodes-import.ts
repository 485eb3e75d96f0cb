import { createReadStream, statSync } from 'node:fs';
import { parse } from 'csv-parse';
import type { Kysely } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import type { DB } from '../../../platform/db/schema.js';
import type { PostcodeCentroidTable } from '../../../platform/db/directory-schema.js';
import { checkPostcode } from '../../../platform/domain/postcode.js';

export interface PostcodeImportSummary {
  file: string;
  /** Data rows read (the header is not counted). */
  read: number;
  /** Unit postcodes written (new or updated). */
  imported: number;
  /** Rows with a termination date (`doterm`): the postcode is no longer in use. */
  terminated: number;
  /** Rows without usable coordinates (ONS marks these 99.999999, 0.000000). */
  withoutCoordinates: number;
  /** Rows whose postcode is not a valid UK postcode. */
  invalidPostcode: number;
  /** The columns used, by header name. */
  columns: { postcode: string; latitude: string; longitude: string; terminated: string | null };
}

export interface PostcodeImportProgress {
  read: number;
  imported: number;
  bytesRead: number;
  totalBytes: number;
}

export class PostcodeFileProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostcodeFileProblem';
  }
}

/** Rows per upsert statement: 4 parameters each. */
const BATCH = 2000;

// Header names in the ONS Postcode Directory (ONSPD) and National Statistics Postcode Lookup (NSPL).
// pcds is the "one space" form; pcd/pcd7 are 7-character fixed width; pcd8/pcd2 8-character.
const POSTCODE_HEADERS = ['pcds', 'pcd', 'pcd7', 'pcd8', 'pcd2', 'postcode'];
const LATITUDE_HEADERS = ['lat', 'latitude'];
const LONGITUDE_HEADERS = ['long', 'longitude', 'lng', 'lon'];
const TERMINATED_HEADERS = ['doterm', 'date_of_termination'];

function findColumn(header: string[], names: string[]): number {
  for (const name of names) {
    const index = header.indexOf(name);
    if (index >= 0) return index;
  }
  return -1;
}

/**
 * Loads unit-level postcode centroids from an ONS NSPL/ONSPD CSV (about 2.7 million rows), streaming
 * with constant memory and upserting in batches. Columns are found by header name; rows with a
 * termination date, without coordinates or with an invalid postcode are skipped and counted.
 */
export async function importPostcodes(
  db: Database | Kysely<DB>,
  file: string,
  options: { onProgress?: (progress: PostcodeImportProgress) => void; signal?: { requested: boolean } } = {},
): Promise<PostcodeImportSummary> {
  const kysely = 'kysely' in db ? db.kysely : db;
  const totalBytes = statSync(file).size;
  const input = createReadStream(file);
  let bytesRead = 0;
  input.on('data', (chunk) => (bytesRead += chunk.length));
  const parser = input.pipe(parse({ bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }));

  let header: string[] | null = null;
  let at = { postcode: -1, latitude: -1, longitude: -1, terminated: -1 };
  const summary: PostcodeImportSummary = {
    file,
    read: 0,
    imported: 0,
    terminated: 0,
    withoutCoordinates: 0,
    invalidPostcode: 0,
    columns: { postcode: '', latitude: '', longitude: '', terminated: null },
  };
  // One postcode appears once in ONS files; a Map also makes a repeated one in a batch harmless
  // (PostgreSQL refuses to upsert the same key twice in one statement).
  let batch = new Map<string, PostcodeCentroidTable>();

  const flush = async () => {
    if (batch.size === 0) return;
    const rows = [...batch.values()];
    batch = new Map();
    await kysely
      .insertInto('postcodeCentroid')
      .values(rows)
      .onConflict((oc) =>
        oc.column('postcode').doUpdateSet((eb) => ({
          kind: eb.ref('excluded.kind'),
          latitude: eb.ref('excluded.latitude'),
          longitude: eb.ref('excluded.longitude'),
        })),
      )
      .execute();
    summary.imported += rows.length;
    options.onProgress?.({ read: summary.read, imported: summary.imported, bytesRead, totalBytes });
  };

  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!header) {
        header = record.map((name) => name.trim().toLowerCase());
        at = {
          postcode: findColumn(header, POSTCODE_HEADERS),
          latitude: findColumn(header, LATITUDE_HEADERS),
          longitude: findColumn(header, LONGITUDE_HEADERS),
          terminated: findColumn(header, TERMINATED_HEADERS),
        };
        const missing = [
          at.postcode < 0 ? `a postcode (${POSTCODE_HEADERS.join(', ')})` : null,
          at.latitude < 0 ? `latitude (${LATITUDE_HEADERS.join(', ')})` : null,
          at.longitude < 0 ? `longitude (${LONGITUDE_HEADERS.join(', ')})` : null,
        ].filter(Boolean);
        if (missing.length) {
          throw new PostcodeFileProblem(
            `${file} has no column for ${missing.join(', nor ')} in its first line; expected an ONS NSPL or ONSPD CSV file with its header row`,
          );
        }
        summary.columns = {
          postcode: header[at.postcode]!,
          latitude: header[at.latitude]!,
          longitude: header[at.longitude]!,
          terminated: at.terminated >= 0 ? header[at.terminated]! : null,
        };
        continue;
      }
      summary.read++;
      if (at.terminated >= 0 && (record[at.terminated] ?? '') !== '') {
        summary.terminated++;
        continue;
      }
      const latitude = Number(record[at.latitude]);
      const longitude = Number(record[at.longitude]);
      // ONS gives 99.999999, 0.000000 where a postcode has no grid reference.
      if (!record[at.latitude] || !record[at.longitude] || !Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
        summary.withoutCoordinates++;
        continue;
      }
      const postcode = checkPostcode(record[at.postcode] ?? '');
      if (!postcode.ok) {
        summary.invalidPostcode++;
        continue;
      }
      batch.set(postcode.value, { postcode: postcode.value, kind: 'unit', latitude, longitude });
      if (batch.size >= BATCH) {
        await flush();
        if (options.signal?.requested) break;
      }
    }
    if (!options.signal?.requested) await flush();
  } finally {
    input.destroy();
  }
  if (!header) throw new PostcodeFileProblem(`${file} is empty`);
  return summary;
}
