import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { recordAudit } from '../../../platform/audit/audit.js';
import type { RequestContext } from '../../../platform/context.js';
import type { Database } from '../../../platform/db/database.js';
import { isObject, newNotes, type Json, type JsonObject, type ReadNotes } from './fields.js';
import { RecordRejected, type OrukService } from './model.js';
import { readOruk1Service } from './read-oruk1.js';
import { readOruk3Service, sourceIdOf } from './read-oruk3.js';
import { readServices, sniffLayout, SourceFileProblem, type EnvelopeFormat } from './source.js';
import { findExistingMany, newWriteCache, rememberWrite, writeServices, type BatchWriteResult, type ExistingService, type ServiceToWrite } from './write.js';

export type OrukFormat = 'oruk3' | 'oruk1';

export const FORMAT_LABELS: Record<OrukFormat, string> = { oruk3: 'ORUK 3.0', oruk1: 'ORUK v1' };

export interface Rejection {
  file: string;
  /** Where in the file: "item 12", "line 40". */
  position: string;
  /** The record's own id, when it had one. */
  sourceId: string | null;
  reason: string;
}

export interface ImportProgress {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  bytesRead: number;
  totalBytes: number;
}

export interface ImportSummary {
  importId: string;
  files: { file: string; format: OrukFormat | null; layout: 'json' | 'ndjson'; read: number; problem: string | null }[];
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** The first MAX_REJECTIONS_LISTED rejections, in file order; `rejected` counts them all. */
  rejections: Rejection[];
  /** Fields with a value Linkwork has nowhere to keep, by path: how many services had one. */
  ignored: Map<string, number>;
  /** Values adjusted on the way in (a 999 maximum age, a phone without a number): how many services. */
  adjusted: Map<string, number>;
  interrupted: boolean;
  seconds: number;
}

export interface ImportOptions {
  /** Files or directories (every .json, .ndjson and .jsonl file in a directory, in name order). */
  paths: string[];
  /** Whether newly created services are published (default true); updates keep their setting. */
  published?: boolean;
  /** 'auto' (default) decides per file, from its envelope or its first service. */
  format?: OrukFormat | 'auto';
  onProgress?: (progress: ImportProgress) => void;
  /** Checked between services: set `requested` to stop at the next one (Ctrl-C). */
  signal?: { requested: boolean };
}

export const MAX_REJECTIONS_LISTED = 1000;

/**
 * Records read before they are written: one query finds which of them already exist, and one
 * statement per table writes them. 250 rather than 50 took about a quarter off the CPU time of
 * both Node and PostgreSQL in an import (fewer statements: each costs the same planning, protocol
 * and driver work whatever its size); 500 saved little more, and a batch the database refuses is
 * written again one service at a time, which a larger batch makes slower.
 */
const BATCH = 250;

/** Services written in a run before the directory's statistics are first refreshed (then at twice as many, and so on). */
const FIRST_ANALYZE = 100;

/** A batch read and checked: the records to write, and the rejected with their place in the batch. */
type ReadBatch = { file: string; ready: Ready[]; rejected: { at: number; rejection: Rejection }[] };

/** A record read and checked, with its place in the batch. */
type Ready = { at: number; item: Extract<Pending, { kind: 'record' }>; service: OrukService; hash: string; notes: ReadNotes };

type Pending =
  | { kind: 'record'; value: JsonObject; position: string; format: OrukFormat; sourceId: string | null }
  | { kind: 'problem'; position: string; reason: string };

export class ImportSourceProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportSourceProblem';
  }
}

/** The files an import reads: a file as given, a directory's JSON files in name order. */
export function importFiles(paths: string[]): string[] {
  const files: string[] = [];
  for (const given of paths) {
    let stat;
    try {
      stat = statSync(given);
    } catch {
      throw new ImportSourceProblem(`${given} does not exist`);
    }
    if (stat.isDirectory()) {
      const found = readdirSync(given)
        .filter((name) => /\.(json|ndjson|jsonl)$/i.test(name))
        .sort()
        .map((name) => path.join(given, name))
        .filter((file) => statSync(file).isFile());
      if (found.length === 0) throw new ImportSourceProblem(`${given} has no .json, .ndjson or .jsonl files`);
      files.push(...found);
    } else files.push(given);
  }
  return files;
}

// Keys only one of the two versions has, to tell them apart when the file does not say.
const V1_KEYS = new Set([
  'regular_schedules', 'holiday_schedules', 'service_taxonomys', 'service_taxonomies', 'eligibilitys', 'eligibilities',
  'fundings', 'deliverable_type', 'attending_type', 'attending_access', 'fees', 'reviews', 'link_taxonomys',
]);
const V3_KEYS = new Set([
  'schedules', 'attributes', 'last_modified', 'funding', 'fees_description', 'eligibility_description', 'minimum_age',
  'maximum_age', 'assurer_email', 'alert', 'program', 'required_documents', 'metadata',
]);

/** ORUK v1 or 3.0, from the envelope (`content` or `contents`) or the keys of one service. */
export function detectFormat(record: Json, envelope: EnvelopeFormat | null): OrukFormat {
  if (envelope) return envelope;
  if (!isObject(record)) return 'oruk3';
  let v1 = 0;
  let v3 = 0;
  for (const key of Object.keys(record)) {
    if (V1_KEYS.has(key) || key.startsWith('pc_')) v1++;
    if (V3_KEYS.has(key)) v3++;
  }
  const sal = record.service_at_locations;
  const location = Array.isArray(sal) && isObject(sal[0]) && isObject(sal[0].location) ? sal[0].location : null;
  if (location) {
    if ('physical_addresses' in location || 'accessibility_for_disabilities' in location) v1 += 2;
    if ('location_type' in location || 'addresses' in location) v3 += 2;
  }
  return v1 > v3 ? 'oruk1' : 'oruk3';
}

/** Canonical JSON (keys sorted) hashed with SHA-256: equal records, equal hashes. */
export function recordHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

// The same text as sorting Object.entries and JSON.stringify-ing each key, without the arrays.
const quotedKeys = new Map<string, string>();

function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value ?? null);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return out + ']';
  }
  const object = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(object).sort()) {
    const inner = object[key];
    if (inner === undefined) continue;
    let quoted = quotedKeys.get(key);
    if (quoted === undefined) quotedKeys.set(key, (quoted = JSON.stringify(key)));
    out += (out.length > 1 ? ',' : '') + quoted + ':' + canonicalJson(inner);
  }
  return out + '}';
}

/**
 * A record is at fault: the writer rejected it, or the database refused it (a constraint, a value of
 * the wrong type). Reject it and go on; anything else stops the run.
 */
function isRecordError(error: unknown): boolean {
  if (error instanceof RecordRejected) return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23)/.test(code);
}

/**
 * Imports ORUK 3.0 and ORUK v1 services into the directory curated by `ctx.organisationId`.
 * Files are streamed; each batch of BATCH services is written in one transaction with their
 * organizations and every child (see processBatch), and a bad record is reported and skipped, never
 * half-written.
 * Re-importing the same file changes nothing (each service's normalised record is hashed). The run is
 * recorded in directory_import and audited as `directory.imported` with its counts.
 */
export async function importOruk(db: Database, ctx: RequestContext, options: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const files = importFiles(options.paths);
  const totalBytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
  const scope = { organisationId: ctx.organisationId, userId: ctx.actor.userId };
  const target = { organisationId: ctx.organisationId, importId: null as string | null, published: options.published ?? true };
  const importRow = await db.inScope(scope, (tx) =>
    tx
      .insertInto('directoryImport')
      .values({ organisationId: ctx.organisationId, source: options.paths.join(', ').slice(0, 1000), format: 'oruk' })
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  target.importId = importRow.id;

  const summary: ImportSummary = {
    importId: importRow.id,
    files: [],
    read: 0,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected: 0,
    rejections: [],
    ignored: new Map(),
    adjusted: new Map(),
    interrupted: false,
    seconds: 0,
  };
  let bytesDone = 0;
  let bytesInFile = 0;
  const progress = () =>
    options.onProgress?.({
      read: summary.read,
      created: summary.created,
      updated: summary.updated,
      unchanged: summary.unchanged,
      rejected: summary.rejected,
      bytesRead: bytesDone + bytesInFile,
      totalBytes,
    });
  const reject = (rejection: Rejection) => {
    summary.rejected++;
    if (summary.rejections.length < MAX_REJECTIONS_LISTED) summary.rejections.push(rejection);
  };
  const count = (map: Map<string, number>, keys: Set<string>) => {
    for (const key of keys) map.set(key, (map.get(key) ?? 0) + 1);
  };

  const cache = newWriteCache();
  let analyzeAt = FIRST_ANALYZE;
  // Source id → where it was first seen: a feed listing one service twice gets the second rejected.
  const seenIds = new Map<string, string>();

  /** Reads and checks a batch of records, in file order: JavaScript only, no database. */
  const readBatch = (file: string, batch: Pending[]): ReadBatch => {
    const ready: Ready[] = [];
    const rejected: ReadBatch['rejected'] = [];
    for (const [at, item] of batch.entries()) {
      if (item.kind === 'problem') {
        rejected.push({ at, rejection: { file, position: item.position, sourceId: null, reason: item.reason } });
        continue;
      }
      const notes = newNotes();
      try {
        if (!isObject(item.value)) throw new RecordRejected('not a service (a JSON object)');
        const service = item.format === 'oruk1' ? readOruk1Service(item.value, notes) : readOruk3Service(item.value, notes);
        const first = seenIds.get(service.source_id);
        if (first !== undefined) throw new RecordRejected(`the id ${service.source_id} was already imported from ${first}`);
        seenIds.set(service.source_id, `${path.basename(file)} ${item.position}`);
        ready.push({ at, item, service, hash: recordHash(service), notes });
      } catch (error) {
        if (!(error instanceof RecordRejected)) throw error;
        rejected.push({ at, rejection: { file, position: item.position, sourceId: item.sourceId, reason: error.message } });
      }
    }
    return { file, ready, rejected };
  };

  /**
   * Writes a batch of read records in one transaction (unchanged ones cost a share of one query);
   * when the database refuses the batch, each service is written in a transaction of its own, so the
   * bad one is rejected alone and nothing of it is left half-written.
   */
  const writeBatch = async ({ file, ready, rejected }: ReadBatch) => {
    // Rejections are listed in file order, though those the database makes come after the reading.
    const rejectAt = (at: number, rejection: Rejection) => rejected.push({ at, rejection });
    // One transaction for the batch: find what exists, skip the unchanged, write the rest together.
    let existing: (ExistingService | null)[] = [];
    let toWrite: (ServiceToWrite & { read: Ready })[] = [];
    const written = (services: typeof toWrite, result: BatchWriteResult) => {
      rememberWrite(cache, result.learned);
      for (const [index, { notes }] of services.entries()) {
        summary[result.outcomes[index]!]++;
        count(summary.ignored, notes.ignored);
        count(summary.adjusted, notes.adjusted);
      }
    };
    if (ready.length > 0) {
      try {
        const result = await db.inScope(scope, async (tx) => {
          existing = await findExistingMany(tx, ctx.organisationId, ready.map((r) => r.service));
          toWrite = [];
          for (const [index, item] of ready.entries()) {
            const known = existing[index] ?? null;
            if (!known || known.sourceHash !== item.hash) toWrite.push({ read: item, service: item.service, hash: item.hash, notes: item.notes, known });
          }
          return toWrite.length > 0 ? writeServices(tx, target, toWrite, cache) : null;
        });
        if (result) written(toWrite, result);
      } catch (error) {
        if (!isRecordError(error)) throw error;
        // Something in the batch was refused: write each service on its own, so only the bad one is rejected.
        for (const one of toWrite) {
          try {
            written([one], await db.inScope(scope, (tx) => writeServices(tx, target, [one], cache)));
          } catch (inner) {
            if (!isRecordError(inner)) throw inner;
            const reason = inner instanceof RecordRejected ? inner.message : `the database refused it: ${(inner as Error).message}`;
            rejectAt(one.read.at, { file, position: one.read.item.position, sourceId: one.read.item.sourceId, reason });
          }
        }
      }
    }
    for (const [index, { hash, notes }] of ready.entries()) {
      if (existing[index]?.sourceHash !== hash) continue;
      summary.unchanged++;
      count(summary.ignored, notes.ignored);
      count(summary.adjusted, notes.adjusted);
    }
    for (const { rejection } of rejected.sort((a, b) => a.at - b.at)) reject(rejection);
    // The database plans its foreign-key checks once per connection, on the tables as they are then:
    // planned while the directory was nearly empty, each check reads its whole table, and a large
    // import slows down quadratically. Fresh statistics each time this run's writes double make it
    // plan them again, for tables of the size they have become.
    if (summary.created + summary.updated >= analyzeAt) {
      await db.inScope(scope, (tx) => sql`SELECT directory_analyze()`.execute(tx));
      analyzeAt *= 2;
    }
    progress();
  };

  // While one batch is being written (the database at work), the next is read and checked.
  let writing: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | null = null;
  const settle = async () => {
    await writing;
    if (failure) throw failure.error;
  };
  const processBatch = async (file: string, batch: Pending[]) => {
    const read = readBatch(file, batch);
    await settle();
    writing = writeBatch(read).catch((error: unknown) => {
      failure = { error };
    });
  };

  files: for (const file of files) {
    const layout = await sniffLayout(file);
    const entry: ImportSummary['files'][number] = { file, format: options.format && options.format !== 'auto' ? options.format : null, layout, read: 0, problem: null };
    summary.files.push(entry);
    bytesInFile = 0;
    let batch: Pending[] = [];
    try {
      for await (const item of readServices(file, layout, (bytes) => (bytesInFile = bytes))) {
        summary.read++;
        entry.read++;
        if (item.kind === 'problem') batch.push(item);
        else {
          entry.format ??= detectFormat(item.value, item.envelope);
          const sourceId = isObject(item.value) ? sourceIdOf(item.value) : null;
          batch.push({ kind: 'record', value: item.value as JsonObject, position: item.position, format: entry.format, sourceId });
        }
        if (batch.length >= BATCH) {
          await processBatch(file, batch);
          batch = [];
          if (options.signal?.requested) {
            summary.interrupted = true;
            break files;
          }
        }
      }
    } catch (error) {
      if (!(error instanceof SourceFileProblem)) throw error;
      entry.problem = error.message;
    }
    await processBatch(file, batch);
    bytesDone += statSync(file).size;
    bytesInFile = 0;
    progress();
    if (options.signal?.requested) {
      summary.interrupted = true;
      break;
    }
  }

  await settle();
  summary.seconds = (performance.now() - started) / 1000;
  const formats = [...new Set(summary.files.map((f) => f.format).filter(Boolean))].join('+') || 'oruk';
  await db.inScope(scope, async (tx) => {
    await tx
      .updateTable('directoryImport')
      .set({
        format: formats,
        finishedAt: new Date(),
        created: summary.created,
        updated: summary.updated,
        unchanged: summary.unchanged,
        rejected: summary.rejected,
      })
      .where('organisationId', '=', ctx.organisationId)
      .where('id', '=', summary.importId)
      .execute();
    // Fresh planner statistics once the directory has changed (PGlite has no autovacuum to do it).
    if (summary.created + summary.updated > 0) await sql`SELECT directory_analyze()`.execute(tx);
    await recordAudit(tx, ctx, {
      action: 'directory.imported',
      subjectType: 'directory_import',
      subjectId: summary.importId,
      detail: { created: summary.created, updated: summary.updated, unchanged: summary.unchanged, rejected: summary.rejected },
    });
  });
  return summary;
}
