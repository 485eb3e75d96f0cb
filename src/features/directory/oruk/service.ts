import type { Database, Tx } from '../../../platform/db/database.js';
import { FieldErrors, NotFound, ValidationFailed } from '../../../platform/errors.js';
import { lookupPostcode, postcodeCandidates } from '../geo/lookup.js';
import { envelope, offsetOf, pageRequest, type PageRequest } from './paging.js';
import * as q from './queries.js';
import * as read from './read.js';
import type {
  OrganizationsQueryType,
  OrukMinimalService,
  OrukOrganization,
  OrukService,
  OrukServiceAtLocation,
  OrukTaxonomy,
  OrukTaxonomyTerm,
  PageOf,
  ServiceAtLocationsQueryType,
  ServicesQueryType,
  TaxonomiesQueryType,
  TaxonomyTermsQueryType,
} from './schemas.js';
import * as out from './serialise.js';

/** What a list operation returns: one page in the standard envelope, or (ndjson) every result. */
export type Listing<T> = { kind: 'page'; page: PageOf<T> } | { kind: 'all'; items: T[] };

/** ndjson streams every result; it is read in batches of this many within one transaction. */
const NDJSON_BATCH = 500;

const DAYS: Record<string, string> = {
  MO: 'MO', TU: 'TU', WE: 'WE', TH: 'TH', FR: 'FR', SA: 'SA', SU: 'SU',
  MONDAY: 'MO', TUESDAY: 'TU', WEDNESDAY: 'WE', THURSDAY: 'TH', FRIDAY: 'FR', SATURDAY: 'SA', SUNDAY: 'SU',
};

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

type ServiceFilterQuery = Pick<
  ServicesQueryType,
  'search' | 'taxonomy_term_id' | 'taxonomy_id' | 'organization_id' | 'modified_after' | 'minimum_age' | 'maximum_age' | 'day' | 'start_time' | 'end_time'
>;

/** Checks what the schema cannot (dates, day names) and collects every problem at once. */
function serviceFilters(query: ServiceFilterQuery, errors: FieldErrors): q.ServiceFilters {
  const filters: q.ServiceFilters = {
    search: query.search?.trim() || undefined,
    taxonomyTermId: query.taxonomy_term_id,
    taxonomyId: query.taxonomy_id,
    organizationId: query.organization_id,
    minimumAge: query.minimum_age,
    maximumAge: query.maximum_age,
    startTime: query.start_time ? out.timeOfDay(query.start_time) : undefined,
    endTime: query.end_time ? out.timeOfDay(query.end_time) : undefined,
  };
  if (query.modified_after !== undefined) {
    // A time without an offset is read as UTC, whatever the server's time zone.
    const raw = query.modified_after.trim().toUpperCase().replace(' ', 'T');
    const at = ISO_DATE_TIME.test(raw) ? new Date(/T[^Z+-]*$/.test(raw) ? `${raw}Z` : raw) : null;
    if (!at || Number.isNaN(at.getTime())) errors.add('modified_after', 'Enter a date-time in ISO 8601 form, like 2025-01-31T09:00:00Z, or a date like 2025-01-31');
    else filters.modifiedAfter = at;
  }
  if (query.day !== undefined) {
    const day = DAYS[query.day.trim().toUpperCase()];
    if (!day) errors.add('day', 'Enter a day as MO, TU, WE, TH, FR, SA or SU (or its name, like Monday)');
    else filters.day = day;
  }
  return filters;
}

/** The codes a service area's postcode list may name this postcode by: its unit, sector, district and area ("BS"). */
function postcodeKeys(raw: string): string[] {
  const keys = postcodeCandidates(raw).map((c) => c.postcode);
  const area = /^[A-Z]{1,2}/.exec(keys[keys.length - 1] ?? '')?.[0];
  return area ? [...keys, area] : keys;
}

export function createOrukService(db: Database) {
  /** Public reads: no organisation in scope, so row-level security shows published services only. */
  const publicRead = <T>(work: (tx: Tx) => Promise<T>) => db.inScope({ organisationId: null, userId: null }, work);

  /** A page, or with ndjson every result read in batches. */
  async function listing<T>(
    tx: Tx,
    format: 'json' | 'ndjson' | undefined,
    paging: PageRequest,
    count: () => Promise<number>,
    fetch: (limit: number, offset: number) => Promise<T[]>,
  ): Promise<Listing<T>> {
    if (format === 'ndjson') {
      const items: T[] = [];
      for (let offset = 0; ; offset += NDJSON_BATCH) {
        const batch = await fetch(NDJSON_BATCH, offset);
        items.push(...batch);
        if (batch.length < NDJSON_BATCH) return { kind: 'all', items };
      }
    }
    const total = await count();
    const contents = offsetOf(paging) < total ? await fetch(paging.perPage, offsetOf(paging)) : [];
    return { kind: 'page', page: envelope(paging, total, contents) };
  }

  return {
    async listServices(query: ServicesQueryType): Promise<Listing<OrukService | OrukMinimalService>> {
      const errors = new FieldErrors();
      const filters = serviceFilters(query, errors);
      if (query.minimal && query.full) errors.add('minimal', 'Ask for minimal or full results, not both');
      errors.throwIfAny();
      return publicRead((tx) =>
        listing(
          tx,
          query.format,
          pageRequest(query),
          () => q.countServices(tx, filters),
          async (limit, offset): Promise<(OrukService | OrukMinimalService)[]> => {
            const rows = await q.pageOfServices(tx, filters, limit, offset);
            if (query.minimal) return rows.map(out.minimalService);
            return read.services(tx, rows, { full: query.full ?? false });
          },
        ),
      );
    },

    async getService(id: string): Promise<OrukService> {
      return publicRead(async (tx) => {
        const row = await q.publishedService(tx, id);
        if (!row) throw new NotFound('There is no published service with this id');
        const [service] = await read.services(tx, [row], { full: true });
        return service!;
      });
    },

    async listServiceAtLocations(query: ServiceAtLocationsQueryType): Promise<Listing<OrukServiceAtLocation>> {
      const errors = new FieldErrors();
      const filters = serviceFilters(query, errors);
      if (query.proximity !== undefined && !query.postcode?.trim()) errors.add('proximity', 'Give a postcode to measure the proximity from');
      const postcode = query.postcode?.trim();
      if (postcode !== undefined && postcode !== '' && postcodeCandidates(postcode).length === 0) errors.add('postcode', 'Enter a real postcode, like BS5 6XX, or a postcode district, like BS5');
      errors.throwIfAny();
      return publicRead(async (tx) => {
        let near: q.Near | undefined;
        if (postcode) {
          const centre = await lookupPostcode(tx, postcode);
          if (!centre) throw ValidationFailed.field('postcode', 'We do not know where this postcode is. Try its district, like BS5');
          near = { latitude: centre.latitude, longitude: centre.longitude, proximity: query.proximity, postcodeKeys: postcodeKeys(postcode) };
        }
        return listing(
          tx,
          query.format,
          pageRequest(query),
          () => q.countServiceAtLocations(tx, filters, near),
          async (limit, offset) => read.serviceAtLocations(tx, await q.pageOfServiceAtLocations(tx, filters, near, limit, offset), query.full ?? false),
        );
      });
    },

    async getServiceAtLocation(id: string): Promise<OrukServiceAtLocation> {
      return publicRead(async (tx) => {
        const row = await q.publishedServiceAtLocation(tx, id);
        if (!row) throw new NotFound('There is no service at a location with this id, or its service is not published');
        const [sal] = await read.serviceAtLocations(tx, [row], true);
        return sal!;
      });
    },

    async listOrganizations(query: OrganizationsQueryType): Promise<Listing<OrukOrganization>> {
      const search = query.search?.trim() || undefined;
      return publicRead((tx) =>
        listing(
          tx,
          query.format,
          pageRequest(query),
          () => q.countOrganizations(tx, search),
          async (limit, offset) =>
            read.organizations(tx, await q.pageOfOrganizations(tx, search, limit, offset), {
              full: query.full ?? false,
              services: query.full ? (query.full_service ? 'full' : 'list') : undefined,
            }),
        ),
      );
    },

    async getOrganization(id: string, fullService: boolean): Promise<OrukOrganization> {
      return publicRead(async (tx) => {
        const row = await q.publicOrganization(tx, id);
        if (!row) throw new NotFound('There is no organization with this id that provides a published service');
        const [organization] = await read.organizations(tx, [row], { full: true, services: fullService ? 'full' : 'list' });
        return organization!;
      });
    },

    async listTaxonomies(query: TaxonomiesQueryType): Promise<Listing<OrukTaxonomy>> {
      const search = query.search?.trim() || undefined;
      return publicRead((tx) =>
        listing(
          tx,
          query.format,
          pageRequest(query),
          () => q.countTaxonomies(tx, search),
          async (limit, offset) => (await q.pageOfTaxonomies(tx, search, limit, offset)).map(out.taxonomy),
        ),
      );
    },

    async getTaxonomy(id: string): Promise<OrukTaxonomy> {
      return publicRead(async (tx) => {
        const row = await q.taxonomyById(tx, id);
        if (!row) throw new NotFound('There is no taxonomy with this id');
        return out.taxonomy(row);
      });
    },

    async listTaxonomyTerms(query: TaxonomyTermsQueryType): Promise<Listing<OrukTaxonomyTerm>> {
      const filters: q.TermFilters = { search: query.search?.trim() || undefined, taxonomyId: query.taxonomy_id, parentId: query.parent_id, topOnly: query.top_only };
      return publicRead((tx) =>
        listing(
          tx,
          query.format,
          pageRequest(query),
          () => q.countTaxonomyTerms(tx, filters),
          async (limit, offset) => (await q.pageOfTaxonomyTerms(tx, filters, limit, offset)).map(out.taxonomyTerm),
        ),
      );
    },

    async getTaxonomyTerm(id: string): Promise<OrukTaxonomyTerm> {
      return publicRead(async (tx) => {
        const row = await q.taxonomyTermById(tx, id);
        if (!row) throw new NotFound('There is no taxonomy term with this id');
        return out.taxonomyTerm(row);
      });
    },
  };
}

export type OrukApi = ReturnType<typeof createOrukService>;
