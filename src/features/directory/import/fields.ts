import { plainLine, plainText } from './text.js';

/**
 * What one record's reading noticed: fields with a value that Linkwork has nowhere to keep
 * (by path, e.g. `pc_metadata.date_created`, `service_at_locations[].location.transportation`), and
 * values it had to adjust (e.g. an age over 130 read as "no upper limit").
 */
export interface ReadNotes {
  ignored: Set<string>;
  adjusted: Set<string>;
}

export function newNotes(): ReadNotes {
  return { ignored: new Set(), adjusted: new Set() };
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** No information: null, blank text, an empty list, or an object of nothing but those. */
export function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.every(isEmpty);
  if (isObject(value)) return Object.values(value).every(isEmpty);
  return false;
}

/**
 * Reads one JSON object, remembering which keys were used; `done()` reports every other key that
 * has a value as ignored, so nothing is dropped without the import summary saying so.
 */
export class Fields {
  private readonly used = new Set<string>();
  constructor(
    readonly object: JsonObject,
    readonly path: string,
    readonly notes: ReadNotes,
  ) {}

  raw(key: string): Json | undefined {
    this.used.add(key);
    return this.object[key];
  }

  /** Marks keys as used without reading them (link ids that nesting makes redundant). */
  skip(...keys: string[]): void {
    for (const key of keys) this.used.add(key);
  }

  /** A one-line text field. */
  line(key: string): string | null {
    return plainLine(this.raw(key));
  }

  /** A free-text field that may hold HTML: plain text with its paragraphs. */
  text(key: string): string | null {
    return plainText(this.raw(key));
  }

  /** A value kept exactly, only trimmed (urls, emails, codes, geojson). */
  exact(key: string): string | null {
    const value = this.raw(key);
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') return null;
    return value.trim() || null;
  }

  number(key: string): number | null {
    return toNumber(this.raw(key));
  }

  /** A calendar date, 'YYYY-MM-DD' (a date-time keeps its date part). */
  date(key: string): string | null {
    return toDate(this.raw(key), this, key);
  }

  /** A time of day, 'HH:MM' (or 'HH:MM:SS' when it has seconds). */
  time(key: string): string | null {
    return toTime(this.raw(key), this, key);
  }

  /** An array of objects, each read by `read` with its own Fields; anything else is ignored. */
  list<T>(key: string, read: (fields: Fields, index: number) => T | null, pathKey = key): T[] {
    const value = this.raw(key);
    if (value === undefined || value === null) return [];
    const items = Array.isArray(value) ? value : [value];
    const out: T[] = [];
    items.forEach((item, index) => {
      if (!isObject(item)) {
        if (!isEmpty(item)) this.ignore(`${pathKey}[]`);
        return;
      }
      const fields = new Fields(item, `${this.path}${pathKey}[].`, this.notes);
      const result = read(fields, index);
      fields.done();
      if (result !== null) out.push(result);
    });
    return out;
  }

  /** A nested object read by `read`, or null when absent. */
  child<T>(key: string, read: (fields: Fields) => T | null): T | null {
    const value = this.raw(key);
    if (!isObject(value)) {
      if (!isEmpty(value)) this.ignore(key);
      return null;
    }
    const fields = new Fields(value, `${this.path}${key}.`, this.notes);
    const result = read(fields);
    fields.done();
    return result;
  }

  /** The first of several alternative spellings that is present (`eligibilitys`, `eligibilities`). */
  pick(...keys: string[]): string {
    return keys.find((key) => this.object[key] !== undefined) ?? keys[0]!;
  }

  ignore(key: string): void {
    this.used.add(key);
    this.notes.ignored.add(`${this.path}${key}`);
  }

  adjust(key: string, what: string): void {
    this.notes.adjusted.add(`${this.path}${key}: ${what}`);
  }

  done(): void {
    for (const [key, value] of Object.entries(this.object)) {
      if (!this.used.has(key) && !isEmpty(value)) this.notes.ignored.add(`${this.path}${key}`);
    }
  }
}

export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value.trim());
    return Number.isFinite(number) ? number : null;
  }
  return null;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})/;
const UK_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

function toDate(value: unknown, fields: Fields, key: string): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const text = value.trim();
  let match = DATE.exec(text);
  let ymd: [string, string, string] | null = match ? [match[1]!, match[2]!, match[3]!] : null;
  if (!ymd && (match = UK_DATE.exec(text))) ymd = [match[3]!, match[2]!.padStart(2, '0'), match[1]!.padStart(2, '0')];
  if (ymd) {
    const iso = `${ymd[0]}-${ymd[1]}-${ymd[2]}`;
    const date = new Date(`${iso}T00:00:00Z`);
    if (!Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso)) return iso;
  }
  fields.adjust(key, 'not a date, left out');
  return null;
}

const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?$/i;

function toTime(value: unknown, fields: Fields, key: string): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  // A date-time (some v1 feeds send 1970-01-01T09:00:00): its time part.
  const text = value.trim().replace(/^\d{4}-\d{2}-\d{2}[T ]/, '');
  const match = TIME.exec(text);
  if (match) {
    const [hours, minutes, seconds] = [Number(match[1]), Number(match[2]), match[3] ? Number(match[3]) : 0];
    if (hours < 24 && minutes < 60 && seconds < 60) {
      // Linkwork keeps local (UK) times of day; a UTC offset on a time of day is dropped.
      if (match[4]) fields.adjust(key, 'time zone dropped (times are kept as UK local times)');
      const hhmm = `${String(hours).padStart(2, '0')}:${match[2]}`;
      return seconds ? `${hhmm}:${match[3]}` : hhmm;
    }
  }
  fields.adjust(key, 'not a time of day, left out');
  return null;
}

/** ISO 8601 date-time in UTC with milliseconds, or null. */
export function toTimestamp(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const date = new Date(value.trim());
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
