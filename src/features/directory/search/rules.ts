import { FieldErrors } from '../../../platform/errors.js';
import { postcodeCandidates } from '../geo/lookup.js';
import { SERVICE_ATTRIBUTES, type ServiceAttribute } from '../taxonomy.js';

/**
 * The pure rules of directory search: reading and checking a search, the clock in UK time, the next
 * opening from weekly schedules, cost, "may be out of date", and how a result explains itself. No
 * database here, so each rule is unit-tested on its own.
 */

export const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Day = (typeof DAYS)[number];
/** RFC 5545 BYDAY codes, in the same order as DAYS (Monday first, as ISO 8601). */
export const DAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type DayCode = (typeof DAY_CODES)[number];
export const DAY_LABELS: Record<Day, string> = {
  monday: 'Monday',
  tuesday: 'Tuesday',
  wednesday: 'Wednesday',
  thursday: 'Thursday',
  friday: 'Friday',
  saturday: 'Saturday',
  sunday: 'Sunday',
};

/** Short labels for filters and result tags (the taxonomy terms carry the longer names). */
export const ATTRIBUTE_LABELS: Record<ServiceAttribute, string> = {
  'trauma-informed': 'Trauma-informed',
  'no-id-needed': 'No ID needed',
  'drop-in': 'Drop-in',
  free: 'Free',
  'women-only': 'Women only',
  'dogs-welcome': 'Dogs welcome',
  'wheelchair-accessible': 'Wheelchair accessible',
  'evenings-weekends': 'Evenings or weekends',
  'accompanied-visits-welcome': 'Accompanied visits welcome',
};

export const SORTS = ['relevance', 'distance', 'name'] as const;
export type Sort = (typeof SORTS)[number];

export const MAX_KM = 200;
export const MAX_TEXT = 200;
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 200;
/** Page numbers go this deep and no further: past it, a narrower search serves better than paging. */
export const MAX_RESULT_DEPTH = 10_000;
/** A service not verified for this long "may be out of date". */
export const STALE_AFTER_MONTHS = 6;
const NEED_CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const LANGUAGE = /^[\p{L}][\p{L} '()-]{0,59}$/u;

/** What a caller may ask for: strings from a form or query, or typed values from the API. */
export interface SearchInput {
  text?: string;
  need?: string;
  attribute?: string | readonly string[];
  language?: string;
  /** Distance and ranking from here (a postcode, a sector like "BS5 6" or a district like "BS5"). */
  nearPostcode?: string;
  maxKm?: number | string;
  openNow?: boolean | string;
  day?: string;
  age?: number | string;
  sort?: string;
  page?: number | string;
  cursor?: string;
  limit?: number | string;
}

/** A checked search: everything typed and in range. */
export interface SearchQuery {
  text: string | null;
  need: string | null;
  attributes: ServiceAttribute[];
  language: string | null;
  nearPostcode: string | null;
  maxKm: number | null;
  openNow: boolean;
  day: Day | null;
  age: number | null;
  sort: Sort;
  page: number;
  limit: number;
}

const str = (raw: unknown): string => (typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '');
const present = (raw: unknown): boolean => str(raw) !== '';

function numberIn(errors: FieldErrors, field: string, raw: unknown, min: number, max: number, message: string, integer = false): number | null {
  if (!present(raw)) return null;
  const value = typeof raw === 'number' ? raw : Number(str(raw));
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    errors.add(field, message);
    return null;
  }
  return value;
}

function bool(raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  return ['true', '1', 'yes', 'on'].includes(str(raw).toLowerCase());
}

/** The page cursor is the next page number, opaque to clients (see README of this folder: why pages). */
export function encodePageCursor(page: number): string {
  return Buffer.from(`page:${page}`).toString('base64url');
}

export function decodePageCursor(raw: string): number | null {
  const match = /^page:(\d{1,6})$/.exec(Buffer.from(raw, 'base64url').toString());
  return match ? Number(match[1]) : null;
}

/**
 * Checks a search and reports every problem at once, with messages a person can act on. Shared by
 * the page and the API, so both refuse the same things in the same words.
 */
export function parseSearch(input: SearchInput): SearchQuery {
  const errors = new FieldErrors();
  const text = str(input.text).replace(/\s+/g, ' ');
  if (text.length > MAX_TEXT) errors.add('text', `Search words must be ${MAX_TEXT} characters or fewer`);

  const need = str(input.need).toLowerCase();
  if (need && (!NEED_CODE.test(need) || need.length > 60)) errors.add('need', 'Choose a need from the list');

  const rawAttributes = Array.isArray(input.attribute) ? input.attribute : present(input.attribute) ? [input.attribute] : [];
  const attributes: ServiceAttribute[] = [];
  for (const raw of rawAttributes as unknown[]) {
    const value = str(raw).toLowerCase();
    if (value === '') continue;
    if ((SERVICE_ATTRIBUTES as readonly string[]).includes(value)) {
      if (!attributes.includes(value as ServiceAttribute)) attributes.push(value as ServiceAttribute);
    } else {
      errors.add('attribute', `"${value.slice(0, 40)}" is not something services can be filtered on (one of: ${SERVICE_ATTRIBUTES.join(', ')})`);
    }
  }

  const language = str(input.language);
  if (language && !LANGUAGE.test(language)) errors.add('language', 'Enter a language by name, like Polish, or its code, like pl');

  const nearPostcode = str(input.nearPostcode).toUpperCase().replace(/\s+/g, ' ');
  if (nearPostcode && (nearPostcode.length > 10 || postcodeCandidates(nearPostcode).length === 0)) errors.add('postcode', 'Enter a real postcode, like BS5 6XX');

  const maxKm = numberIn(errors, 'maxKm', input.maxKm, 0, MAX_KM, `Distance must be a number of kilometres from 0 to ${MAX_KM}`);
  if (maxKm !== null && maxKm > 0 && !nearPostcode) errors.add('postcode', 'Enter a postcode to search by distance');
  if (maxKm === 0) errors.add('maxKm', 'Distance must be more than 0 km');

  const dayText = str(input.day).toLowerCase();
  let day: Day | null = null;
  if (dayText) {
    const index = DAYS.findIndex((d) => d === dayText || d.slice(0, 3) === dayText || DAY_CODES[DAYS.indexOf(d)]!.toLowerCase() === dayText);
    if (index === -1) errors.add('day', `Choose a day of the week (one of: ${DAYS.join(', ')})`);
    else day = DAYS[index]!;
  }

  const age = numberIn(errors, 'age', input.age, 0, 130, 'Age must be a whole number of years from 0 to 130', true);

  const sortText = str(input.sort).toLowerCase() || 'relevance';
  let sort: Sort = 'relevance';
  if ((SORTS as readonly string[]).includes(sortText)) sort = sortText as Sort;
  else errors.add('sort', `Sort by one of: ${SORTS.join(', ')}`);
  if (sort === 'distance' && !nearPostcode) errors.add('postcode', 'Enter a postcode to sort by distance');

  let page = numberIn(errors, 'page', input.page, 1, 1_000_000, 'Page must be a whole number from 1', true) ?? 1;
  if (present(input.cursor)) {
    const fromCursor = decodePageCursor(str(input.cursor));
    if (fromCursor === null) errors.add('cursor', 'This page marker is not valid: start again from the first page');
    else page = fromCursor;
  }
  const limit = numberIn(errors, 'limit', input.limit, 1, MAX_LIMIT, `limit must be a whole number from 1 to ${MAX_LIMIT}`, true) ?? DEFAULT_LIMIT;
  if ((page - 1) * limit >= MAX_RESULT_DEPTH) errors.add('page', `Only the first ${MAX_RESULT_DEPTH.toLocaleString('en-GB')} results can be paged through: narrow the search`);

  errors.throwIfAny();
  return {
    text: text || null,
    need: need || null,
    attributes,
    language: language || null,
    nearPostcode: nearPostcode || null,
    maxKm,
    openNow: bool(input.openNow),
    day,
    age,
    sort,
    page,
    limit,
  };
}

/** Words of the search, for explaining what matched: lower case, letters and digits, at most ten. */
export function searchWords(text: string | null): string[] {
  if (!text) return [];
  const words = text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1);
  return [...new Set(words)].slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// The clock, in UK time: "open now" and "next opening" are about the day and time where services are.

export interface LocalClock {
  /** YYYY-MM-DD in Europe/London. */
  date: string;
  /** HH:MM:SS in Europe/London. */
  time: string;
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
}

const LONDON = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  weekday: 'short',
});
const WEEKDAYS_SHORT = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function londonClock(now: Date): LocalClock {
  const parts = Object.fromEntries(LONDON.formatToParts(now).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
    weekday: WEEKDAYS_SHORT.indexOf(parts.weekday!),
  };
}

/** Calendar arithmetic on YYYY-MM-DD strings (no time zone can move a day). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function weekdayOf(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

export function monthsBefore(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) - months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Not verified within six months, or never: the page warns, and the API says so. */
export function mayBeOutOfDate(lastVerified: string | null, today: string): boolean {
  if (!lastVerified) return true;
  return lastVerified < monthsBefore(today, STALE_AFTER_MONTHS);
}

// ---------------------------------------------------------------------------------------------
// Schedules.

export interface ScheduleRow {
  freq: string | null;
  byday: string | null;
  interval?: number | null;
  opensAt: string | null;
  closesAt: string | null;
  validFrom?: string | null;
  validTo?: string | null;
  dtstart?: string | null;
  until?: string | null;
  bymonthday?: string | null;
  description?: string | null;
}

/** The weekdays (0 = Monday) a schedule's BYDAY names; "1MO" (first Monday, monthly) counts as Monday. */
export function scheduleDays(byday: string | null): number[] {
  if (!byday) return [];
  const days = new Set<number>();
  for (const part of byday.toUpperCase().split(',')) {
    const code = /^\s*[+-]?\d*\s*(MO|TU|WE|TH|FR|SA|SU)\s*$/.exec(part)?.[1];
    if (code) days.add(DAY_CODES.indexOf(code as DayCode));
  }
  return [...days].sort();
}

/** The same regular expression the SQL uses to find a day in BYDAY. */
export function bydayPattern(code: DayCode): string {
  return `(^|,)\\s*[-+]?[0-9]*\\s*${code}\\s*(,|$)`;
}

const hhmm = (time: string) => time.slice(0, 5);

/** 09:30 → 9:30am, 12:00 → midday (NHS style). */
export function formatTime(time: string): string {
  const [h, m] = hhmm(time).split(':').map(Number) as [number, number];
  if (h === 12 && m === 0) return 'midday';
  if (h === 0 && m === 0) return 'midnight';
  const hour = h % 12 === 0 ? 12 : h % 12;
  return `${hour}${m ? `:${String(m).padStart(2, '0')}` : ''}${h < 12 ? 'am' : 'pm'}`;
}

function occursOn(s: ScheduleRow, date: string): boolean {
  if (s.freq !== 'WEEKLY' || !s.opensAt) return false;
  if (!scheduleDays(s.byday).includes(weekdayOf(date))) return false;
  if (s.validFrom && date < s.validFrom) return false;
  if (s.validTo && date > s.validTo) return false;
  if (s.dtstart && date < s.dtstart) return false;
  if (s.until && date > s.until) return false;
  const interval = s.interval ?? 1;
  if (interval > 1 && s.dtstart) {
    // Weeks counted Monday to Monday from the week of dtstart, as the SQL does.
    const weeks = Math.floor(daysBetween(addDays(s.dtstart, -weekdayOf(s.dtstart)), date) / 7);
    if (weeks % interval !== 0) return false;
  }
  return true;
}

export interface NextOpening {
  date: string;
  opensAt: string;
  closesAt: string | null;
  openNow: boolean;
  /** "Open now, until 4pm", "Today, 2pm to 4pm", "Tomorrow, 10am to midday", "Tuesday 3 June, 10am to midday". */
  text: string;
}

const DATE_LABEL = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });

/**
 * The next time a service opens (or that it is open now), from its WEEKLY schedules, looking up to
 * eight weeks ahead. Monthly schedules are shown on the service page as written, not computed here.
 */
export function nextOpening(schedules: readonly ScheduleRow[], clock: LocalClock): NextOpening | null {
  for (let offset = 0; offset < 56; offset++) {
    const date = addDays(clock.date, offset);
    let best: { opensAt: string; closesAt: string | null; openNow: boolean } | null = null;
    for (const s of schedules) {
      if (!occursOn(s, date)) continue;
      const opensAt = s.opensAt!;
      const closesAt = s.closesAt && s.closesAt > opensAt ? s.closesAt : null;
      let openNow = false;
      if (offset === 0) {
        if (closesAt && closesAt <= clock.time) continue; // finished for today
        if (!closesAt && opensAt <= clock.time) continue; // opened earlier, closing time unknown
        openNow = opensAt <= clock.time;
      }
      const better = !best || (openNow && !best.openNow) || (openNow === best.openNow && opensAt < best.opensAt);
      if (better) best = { opensAt, closesAt, openNow };
    }
    if (best) {
      const range = best.closesAt ? `${formatTime(best.opensAt)} to ${formatTime(best.closesAt)}` : `from ${formatTime(best.opensAt)}`;
      const text = best.openNow
        ? `Open now, until ${formatTime(best.closesAt!)}`
        : offset === 0
          ? `Today, ${range}`
          : offset === 1
            ? `Tomorrow, ${range}`
            : `${DATE_LABEL.format(new Date(`${date}T00:00:00Z`)).replace(',', '')}, ${range}`;
      return { date, opensAt: hhmm(best.opensAt), closesAt: best.closesAt ? hhmm(best.closesAt) : null, openNow: best.openNow, text };
    }
  }
  return null;
}

/** A schedule in words for the service page: "Mondays and Thursdays, 10am to midday". */
export function describeSchedule(s: ScheduleRow): string {
  const days = scheduleDays(s.byday).map((d) => `${DAY_LABELS[DAYS[d]!]}s`);
  const dayText = days.length > 1 ? `${days.slice(0, -1).join(', ')} and ${days.at(-1)}` : (days[0] ?? '');
  let when = '';
  if (s.freq === 'MONTHLY') {
    const ordinals = (s.byday ?? '').toUpperCase().split(',').map((p) => /^\s*([+-]?\d+)\s*(MO|TU|WE|TH|FR|SA|SU)/.exec(p)).filter(Boolean);
    const named = ordinals.map((m) => `${ordinal(Number(m![1]))} ${DAY_LABELS[DAYS[DAY_CODES.indexOf(m![2] as DayCode)]!]}`);
    const monthDays = (s.bymonthday ?? '').split(',').map((d) => d.trim()).filter((d) => /^\d{1,2}$/.test(d));
    when = named.length
      ? `The ${named.join(' and ')} of each month`
      : monthDays.length
        ? `On day ${monthDays.join(' and ')} of each month`
        : 'Monthly';
  } else if (s.freq === 'WEEKLY') {
    when = dayText ? ((s.interval ?? 1) > 1 ? `Every ${s.interval} weeks on ${dayText}` : dayText) : 'Weekly';
  }
  const times = s.opensAt ? (s.closesAt ? `${formatTime(s.opensAt)} to ${formatTime(s.closesAt)}` : `from ${formatTime(s.opensAt)}`) : '';
  return [when, times].filter(Boolean).join(', ') || s.description || 'Times not given';
}

function ordinal(n: number): string {
  if (n === -1) return 'last';
  return ['', 'first', 'second', 'third', 'fourth', 'fifth'][n] ?? `${n}th`;
}

// ---------------------------------------------------------------------------------------------
// Cost, distance and explanations.

export interface CostRow {
  option: string | null;
  amount: string | number | null;
  currency: string | null;
  amountDescription: string | null;
}

export interface Cost {
  free: boolean;
  /** The provider's words about cost, or the cost options in words; null when nothing is known. */
  text: string | null;
}

function money(amount: number, currency: string | null): string {
  const code = (currency ?? 'GBP').toUpperCase();
  if (code === 'GBP') return `£${Number.isInteger(amount) ? amount : amount.toFixed(2)}`;
  return `${amount} ${code}`;
}

/** Free when tagged free, or when every cost option is £0. */
export function costOf(freeAttribute: boolean, fees: string | null, options: readonly CostRow[]): Cost {
  const amounts = options.map((o) => (o.amount === null || o.amount === '' ? null : Number(o.amount)));
  const free = freeAttribute || (options.length > 0 && amounts.every((a) => a === 0));
  const described = options
    .map((o, i) => {
      const amount = amounts[i];
      const parts = [amount !== null && amount !== undefined && amount > 0 ? money(amount, o.currency) : null, o.option, o.amountDescription].filter(Boolean);
      return parts.join(' ');
    })
    .filter(Boolean);
  const text = fees?.trim() || (described.length ? described.join('; ') : null);
  return { free, text };
}

export function formatKm(km: number): string {
  return km < 10 ? `${km.toFixed(1)} km` : `${Math.round(km)} km`;
}

/** A latitude/longitude box that holds every point within `km` of the centre: the index prefilter. */
export function boundingBox(latitude: number, longitude: number, km: number): { minLat: number; maxLat: number; minLon: number; maxLon: number } {
  const dLat = km / 110.574;
  const cos = Math.cos((latitude * Math.PI) / 180);
  const dLon = cos < 1e-6 ? 180 : km / (111.32 * cos);
  return { minLat: latitude - dLat, maxLat: latitude + dLat, minLon: longitude - dLon, maxLon: longitude + dLon };
}

/** Great-circle distance in km (the same formula as the SQL), for tests and the service page. */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * rad) / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lon2 - lon1) * rad) / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}
export const EARTH_RADIUS_KM = 6371.0088;

export interface Explanation {
  distanceKm: number | null;
  matchedWords: readonly string[];
  needLabels: readonly string[];
  attributeLabels: readonly string[];
  day: Day | null;
  openNow: boolean;
}

/** "2.1 km · matches: gardening, outdoors · helps with: Fuel poverty · open on Tuesday". */
export function explain(e: Explanation): string {
  const parts: string[] = [];
  if (e.distanceKm !== null) parts.push(formatKm(e.distanceKm));
  if (e.matchedWords.length) parts.push(`matches: ${e.matchedWords.join(', ')}`);
  if (e.needLabels.length) parts.push(`helps with: ${e.needLabels.join(', ')}`);
  if (e.attributeLabels.length) parts.push(e.attributeLabels.join(', '));
  if (e.openNow) parts.push('open now');
  else if (e.day) parts.push(`open on ${DAY_LABELS[e.day]}`);
  return parts.join(' · ');
}

/**
 * Descriptions arrive from imports with HTML in them (`<p>`, `<br>`, `&nbsp;`). Pages show text: tags
 * become paragraph breaks or nothing, a few entities are decoded, and the template escapes the rest.
 */
export function textParagraphs(raw: string | null): string[] {
  if (!raw) return [];
  const text = raw
    .replace(/<\s*br\s*\/?>/gi, '\n')
    .replace(/<\/\s*(p|div|li|h[1-6])\s*>/gi, '\n\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&(amp|lt|gt|quot|#39|apos);/gi, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" })[e.toLowerCase()] ?? '')
    .replace(/\r\n?/g, '\n');
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/[ \t]+/g, ' ').replace(/\s*\n\s*/g, '\n').trim())
    .filter(Boolean);
}

/** A short plain-text summary of a description for result lists. */
export function summary(raw: string | null, max = 240): string | null {
  const text = textParagraphs(raw).join(' ').replace(/\s+/g, ' ').trim();
  if (!text) return null;
  if (text.length <= max) return text;
  return `${text.slice(0, max).replace(/\s+\S*$/, '')}…`;
}

export function isServiceAttribute(code: string): code is ServiceAttribute {
  return (SERVICE_ATTRIBUTES as readonly string[]).includes(code);
}
