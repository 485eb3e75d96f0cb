import { recordAudit } from '../../../platform/audit/audit.js';
import { authorize } from '../../../platform/auth/policy.js';
import type { RequestContext } from '../../../platform/context.js';
import type { Database, Tx } from '../../../platform/db/database.js';
import { NotFound, ValidationFailed } from '../../../platform/errors.js';
import { lookupPostcode, postcodeCandidates, type PostcodeLocation } from '../geo/lookup.js';
import { directoryPolicy } from '../policy.js';
import { SERVICE_ATTRIBUTES, type ServiceAttribute } from '../taxonomy.js';
import {
  ATTRIBUTE_LABELS,
  costOf,
  describeSchedule,
  encodePageCursor,
  explain,
  londonClock,
  mayBeOutOfDate,
  nextOpening,
  parseSearch,
  searchWords,
  summary,
  type Cost,
  type LocalClock,
  type NextOpening,
  type ScheduleRow,
  type SearchInput,
  type SearchQuery,
} from './rules.js';
import { detailSql, searchSql, type SearchRow } from './sql.js';

/**
 * Directory search, the link worker's view: one function behind the search page and
 * GET /api/v1/services. A search is one transaction with the caller's organisation set for
 * row-level security, and one SQL statement that returns the ranked page, the total and what each
 * result shows (see sql.ts). A postcode is looked up once and remembered for a while, so repeated
 * searches from the same place stay at one statement.
 *
 * Pagination is by page number, not keyset: results are ranked by a score computed per search (text
 * relevance × nearness), so every match is scored and sorted whatever the page; a keyset cursor would
 * save no work and would carry a float score. Page numbers also give "page 2 of 7" and the total,
 * which come in the same statement (count(*) OVER ()). The API still hands out `nextCursor` (the next
 * page, opaque) so clients page the same way as every other list. Depth is capped (rules.ts).
 */

export interface Labelled {
  code: string;
  label: string;
}

export interface SearchResult {
  id: string;
  name: string;
  summary: string | null;
  organisation: { id: string; name: string };
  status: string;
  published: boolean;
  distanceKm: number | null;
  nextOpening: NextOpening | null;
  cost: Cost;
  attributes: Labelled[];
  needs: Labelled[];
  minimumAge: number | null;
  maximumAge: number | null;
  lastVerified: string | null;
  mayBeOutOfDate: boolean;
  /** Why this result is here: "2.1 km · matches: gardening, outdoors · helps with: Fuel poverty". */
  explanation: string;
  matches: string[];
  score: number;
}

export interface SearchResults {
  items: SearchResult[];
  total: number;
  page: number;
  pageCount: number;
  limit: number;
  nextCursor: string | null;
  query: SearchQuery;
  /** Where distances are measured from, and how precisely that place is known. */
  origin: { postcode: string; precision: PostcodeLocation['precision']; district: string } | null;
}

export interface ServiceDetail {
  id: string;
  name: string;
  alternateName: string | null;
  description: string | null;
  url: string | null;
  email: string | null;
  status: string;
  published: boolean;
  organisation: { id: string; name: string; website: string | null; email: string | null; description: string | null };
  interpretationServices: string | null;
  applicationProcess: string | null;
  eligibility: string | null;
  minimumAge: number | null;
  maximumAge: number | null;
  accreditations: string | null;
  alert: string | null;
  cost: Cost;
  costOptions: { option: string | null; amount: number | null; currency: string | null; amountDescription: string | null }[];
  attributes: Labelled[];
  needs: Labelled[];
  otherTerms: Labelled[];
  languages: { name: string | null; code: string | null; note: string | null }[];
  areas: { name: string | null; description: string | null }[];
  locations: {
    id: string;
    name: string | null;
    locationType: string;
    description: string | null;
    url: string | null;
    latitude: number | null;
    longitude: number | null;
    distanceKm: number | null;
    addresses: { addressType: string; lines: string[]; postalCode: string }[];
    accessibility: { description: string | null; details: string | null; url: string | null }[];
  }[];
  schedules: { text: string; freq: string | null; byday: string | null; opensAt: string | null; closesAt: string | null; validFrom: string | null; validTo: string | null; description: string | null; notes: string | null }[];
  nextOpening: NextOpening | null;
  contacts: { name: string | null; title: string | null; department: string | null; email: string | null; phones: Phone[] }[];
  phones: Phone[];
  lastModified: string;
  lastVerified: string | null;
  assuredDate: string | null;
  mayBeOutOfDate: boolean;
  origin: { postcode: string; precision: PostcodeLocation['precision'] } | null;
}

interface Phone {
  number: string;
  extension: string | null;
  type: string | null;
  description: string | null;
}

export interface NeedOption {
  code: string;
  label: string;
  parentCode: string | null;
}

export interface UnmetNeedRecorded {
  id: string;
  needCode: string;
  needLabel: string;
  area: string | null;
  recordedOn: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const POSTCODE_CACHE_SIZE = 2_000;
const POSTCODE_CACHE_MS = 15 * 60_000;

const round1 = (km: number | null) => (km === null || km === undefined ? null : Math.round(Number(km) * 10) / 10);

function termsOf(terms: SearchRow['terms']) {
  const attributes: Labelled[] = [];
  const needs: (Labelled & { parentCode: string | null })[] = [];
  const other: Labelled[] = [];
  for (const t of terms) {
    if (!t.code) {
      other.push({ code: '', label: t.name });
    } else if (t.taxonomy === 'attribute' && (SERVICE_ATTRIBUTES as readonly string[]).includes(t.code)) {
      attributes.push({ code: t.code, label: ATTRIBUTE_LABELS[t.code as ServiceAttribute] });
    } else if (t.taxonomy === 'need') {
      needs.push({ code: t.code, label: t.name, parentCode: t.parentCode });
    } else {
      other.push({ code: t.code, label: t.name });
    }
  }
  // Attributes in the taxonomy's own order, so results read alike.
  attributes.sort((a, b) => SERVICE_ATTRIBUTES.indexOf(a.code as ServiceAttribute) - SERVICE_ATTRIBUTES.indexOf(b.code as ServiceAttribute));
  return { attributes, needs, other };
}

function toResult(row: SearchRow, query: SearchQuery, clock: LocalClock): SearchResult {
  const { attributes, needs } = termsOf(row.terms);
  const km = round1(row.km);
  const matches = [...new Set(row.matched ?? [])];
  const hasFree = attributes.some((a) => a.code === 'free');
  return {
    id: row.id,
    name: row.name,
    summary: summary(row.description),
    organisation: { id: row.providerId, name: row.providerName },
    status: row.status,
    published: row.published,
    distanceKm: km,
    nextOpening: nextOpening(row.schedules as ScheduleRow[], clock),
    cost: costOf(hasFree, row.feesDescription, row.costs),
    attributes,
    needs: needs.map(({ code, label }) => ({ code, label })),
    minimumAge: row.minimumAge,
    maximumAge: row.maximumAge,
    lastVerified: row.lastVerified,
    mayBeOutOfDate: mayBeOutOfDate(row.lastVerified, clock.date),
    explanation: explain({
      distanceKm: km,
      matchedWords: matches,
      needLabels: query.need ? needs.filter((n) => n.code === query.need || n.parentCode === query.need).map((n) => n.label) : [],
      attributeLabels: query.attributes.map((a) => ATTRIBUTE_LABELS[a]),
      day: query.day,
      openNow: query.openNow,
    }),
    matches,
    score: Math.round(Number(row.score) * 10_000) / 10_000,
  };
}

export function createDirectorySearchService(db: Database, options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  const scope = (ctx: RequestContext) => ({ organisationId: ctx.organisationId, userId: ctx.actor.userId });
  const postcodes = new Map<string, { at: number; location: PostcodeLocation }>();

  /** The centroid of a postcode, sector or district, or a field error a person can act on. */
  async function locate(tx: Tx, raw: string, field = 'postcode'): Promise<PostcodeLocation> {
    const key = raw.trim().toUpperCase().replace(/\s+/g, ' ');
    const cached = postcodes.get(key);
    if (cached && Date.now() - cached.at < POSTCODE_CACHE_MS) return cached.location;
    if (postcodeCandidates(key).length === 0) throw ValidationFailed.field(field, 'Enter a real postcode, like BS5 6XX');
    const location = await lookupPostcode(tx, key);
    if (!location) throw ValidationFailed.field(field, `We do not know where ${key} is: check it, or try its first half, like BS5`);
    if (postcodes.size >= POSTCODE_CACHE_SIZE) postcodes.delete(postcodes.keys().next().value!);
    postcodes.set(key, { at: Date.now(), location });
    return location;
  }

  async function needExists(tx: Tx, code: string): Promise<{ code: string; label: string } | undefined> {
    return tx.selectFrom('needCode').select(['code', 'label']).where('code', '=', code).where('active', '=', true).executeTakeFirst();
  }

  return {
    /** `exclude`: service ids to leave out of results and total (the offers feature's "never re-suggest"). */
    async search(ctx: RequestContext, input: SearchInput, options: { exclude?: readonly string[] } = {}): Promise<SearchResults> {
      authorize(ctx, directoryPolicy, 'search');
      const query = parseSearch(input);
      const clock = londonClock(now());
      const words = searchWords(query.text);
      return db.inScope(scope(ctx), async (tx) => {
        const origin = query.nearPostcode ? await locate(tx, query.nearPostcode) : null;
        const plan = { query, organisationId: ctx.organisationId, origin, clock, words, exclude: options.exclude };
        const { rows } = await searchSql(plan).execute(tx);
        let total = rows[0]?.total ?? 0;
        if (rows.length === 0) {
          // Only when nothing came back: an unknown need matches nothing, so say so rather than "no results".
          if (query.need && !(await needExists(tx, query.need))) throw ValidationFailed.field('need', 'Choose a need from the list');
          // Past the last page: count the matches so the page can offer a way back.
          if (query.page > 1) total = (await searchSql({ ...plan, query: { ...query, page: 1, limit: 1 } }).execute(tx)).rows[0]?.total ?? 0;
        }
        return {
          items: rows.map((row) => toResult(row, query, clock)),
          total,
          page: query.page,
          pageCount: Math.ceil(total / query.limit),
          limit: query.limit,
          nextCursor: query.page * query.limit < total ? encodePageCursor(query.page + 1) : null,
          query,
          origin: origin ? { postcode: origin.postcode, precision: origin.precision, district: origin.postcode.split(' ')[0]! } : null,
        };
      });
    },

    async get(ctx: RequestContext, id: string, opts: { nearPostcode?: string } = {}): Promise<ServiceDetail> {
      authorize(ctx, directoryPolicy, 'view');
      if (!UUID.test(id)) throw new NotFound('There is no such service in the directory');
      const clock = londonClock(now());
      const near = opts.nearPostcode?.trim();
      return db.inScope(scope(ctx), async (tx) => {
        const origin = near ? await locate(tx, near) : null;
        const row = (await detailSql(id.toLowerCase(), ctx.organisationId, origin).execute(tx)).rows[0] as DetailRow | undefined;
        if (!row) throw new NotFound('There is no such service in the directory');
        const { attributes, needs, other } = termsOf(row.terms.map((t) => ({ ...t, parentCode: null })));
        const schedules = row.schedules as (ScheduleRow & { description: string | null; notes: string | null })[];
        const costOptions = row.costs.map((c) => ({ ...c, amount: c.amount === null ? null : Number(c.amount) }));
        return {
          id: row.id,
          name: row.name,
          alternateName: row.alternateName,
          description: row.description,
          url: row.url,
          email: row.email,
          status: row.status,
          published: row.published,
          organisation: { id: row.providerId, name: row.providerName, website: row.providerWebsite, email: row.providerEmail, description: row.providerDescription },
          interpretationServices: row.interpretationServices,
          applicationProcess: row.applicationProcess,
          eligibility: row.eligibilityDescription,
          minimumAge: row.minimumAge,
          maximumAge: row.maximumAge,
          accreditations: row.accreditations,
          alert: row.alert,
          cost: costOf(attributes.some((a) => a.code === 'free'), row.feesDescription, row.costs),
          costOptions: costOptions.map(({ option, amount, currency, amountDescription }) => ({ option, amount, currency, amountDescription })),
          attributes,
          needs: needs.map(({ code, label }) => ({ code, label })),
          otherTerms: other,
          languages: row.languages,
          areas: row.areas,
          locations: row.locations.map((l) => ({
            id: l.id,
            name: l.name,
            locationType: l.locationType,
            description: l.description,
            url: l.url,
            latitude: l.latitude,
            longitude: l.longitude,
            distanceKm: round1(l.km),
            addresses: l.addresses.map((a) => ({
              addressType: a.addressType,
              lines: [a.address1, a.address2, a.city, a.region, a.stateProvince].map((x) => x?.trim()).filter((x): x is string => Boolean(x)),
              postalCode: a.postalCode,
            })),
            accessibility: l.accessibility,
          })),
          schedules: schedules.map((s) => ({
            text: describeSchedule(s),
            freq: s.freq,
            byday: s.byday,
            opensAt: s.opensAt ? s.opensAt.slice(0, 5) : null,
            closesAt: s.closesAt ? s.closesAt.slice(0, 5) : null,
            validFrom: s.validFrom ?? null,
            validTo: s.validTo ?? null,
            description: s.description,
            notes: s.notes,
          })),
          nextOpening: nextOpening(schedules, clock),
          contacts: row.contacts,
          phones: row.phones,
          lastModified: new Date(row.lastModified).toISOString(),
          lastVerified: row.lastVerified,
          assuredDate: row.assuredDate,
          mayBeOutOfDate: mayBeOutOfDate(row.lastVerified, clock.date),
          origin: origin ? { postcode: origin.postcode, precision: origin.precision } : null,
        };
      });
    },

    /** Active needs for the search form: each parent followed by the needs within it. */
    async needOptions(): Promise<NeedOption[]> {
      const rows = await db.kysely.selectFrom('needCode').select(['code', 'label', 'parentCode']).where('active', '=', true).orderBy('sortOrder').orderBy('code').execute();
      const out: NeedOption[] = [];
      for (const parent of rows.filter((r) => r.parentCode === null)) {
        out.push(parent);
        out.push(...rows.filter((r) => r.parentCode === parent.code));
      }
      // A child whose parent is inactive still appears, at the end.
      out.push(...rows.filter((r) => !out.includes(r)));
      return out;
    },

    /**
     * Nothing suitable was found: record the need and the postcode district, in the caller's
     * organisation. No person, no full postcode, no free text: commissioners see gaps, not people.
     */
    async recordUnmetNeed(ctx: RequestContext, input: { need: unknown; postcode?: unknown }): Promise<UnmetNeedRecorded> {
      authorize(ctx, directoryPolicy, 'record-unmet-need');
      const needCode = typeof input.need === 'string' ? input.need.trim().toLowerCase() : '';
      const rawPostcode = typeof input.postcode === 'string' ? input.postcode.trim() : '';
      const candidates = rawPostcode ? postcodeCandidates(rawPostcode) : [];
      if (rawPostcode && candidates.length === 0) throw ValidationFailed.field('postcode', 'Enter a real postcode, like BS5 6XX');
      const area = candidates.at(-1)?.postcode ?? null; // the district: the last, coarsest candidate
      return db.inScope(scope(ctx), async (tx) => {
        const need = needCode ? await needExists(tx, needCode) : undefined;
        if (!need) throw ValidationFailed.field('need', 'Choose the need that could not be met');
        const inserted = await tx
          .insertInto('unmetNeed')
          .values({ organisationId: ctx.organisationId, needCode: need.code, area, recordedBy: ctx.actor.userId })
          .returning(['id', 'recordedOn'])
          .executeTakeFirstOrThrow();
        await recordAudit(tx, ctx, { action: 'unmet-need.recorded', subjectType: 'unmet-need', subjectId: inserted.id, detail: { need: need.code, area } });
        return { id: inserted.id, needCode: need.code, needLabel: need.label, area, recordedOn: inserted.recordedOn };
      });
    },

    /** For tests: forget remembered postcodes (their centroids changed). */
    forgetPostcodes(): void {
      postcodes.clear();
    },
  };
}

export type DirectorySearchService = ReturnType<typeof createDirectorySearchService>;

interface DetailRow {
  id: string;
  organisationId: string;
  name: string;
  alternateName: string | null;
  description: string | null;
  url: string | null;
  email: string | null;
  status: string;
  interpretationServices: string | null;
  applicationProcess: string | null;
  feesDescription: string | null;
  accreditations: string | null;
  eligibilityDescription: string | null;
  minimumAge: number | null;
  maximumAge: number | null;
  alert: string | null;
  assuredDate: string | null;
  lastModified: Date | string;
  lastVerified: string | null;
  published: boolean;
  providerId: string;
  providerName: string;
  providerWebsite: string | null;
  providerEmail: string | null;
  providerDescription: string | null;
  locations: {
    id: string;
    name: string | null;
    locationType: string;
    description: string | null;
    url: string | null;
    latitude: number | null;
    longitude: number | null;
    km: number | null;
    addresses: { address1: string; address2: string | null; city: string; region: string | null; stateProvince: string; postalCode: string; country: string; addressType: string }[];
    accessibility: { description: string | null; details: string | null; url: string | null }[];
  }[];
  schedules: unknown[];
  contacts: { name: string | null; title: string | null; department: string | null; email: string | null; phones: Phone[] }[];
  phones: Phone[];
  costs: { option: string | null; amount: number | string | null; currency: string | null; amountDescription: string | null }[];
  languages: { name: string | null; code: string | null; note: string | null }[];
  areas: { name: string | null; description: string | null }[];
  terms: { code: string | null; name: string; taxonomy: 'attribute' | 'need' | 'other'; value: string | null }[];
}
