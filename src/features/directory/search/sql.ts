import { sql, type RawBuilder } from 'kysely';
import { ATTRIBUTE_TAXONOMY_ID, NEEDS_TAXONOMY_ID } from '../taxonomy.js';
import { boundingBox, bydayPattern, DAY_CODES, DAYS, EARTH_RADIUS_KM, type LocalClock, type SearchQuery } from './rules.js';

/**
 * The search as one SQL statement: the filtered, ranked, counted page of services, and for each
 * service on the page what the result list shows (provider, attributes and needs, weekly schedules,
 * cost options, the words that matched). One round trip per search.
 *
 * Shape:
 *   WITH exact AS MATERIALIZED (…text tier 1…),            -- only with text
 *        matches AS (exact UNION ALL …tier 2, run only if exact is empty…  | every service that passes the filters),
 *        hits AS (SELECT keys, score, km, count(*) OVER () AS total FROM matches
 *                 ORDER BY score … LIMIT … OFFSET …)        -- a top-N sort of narrow rows
 *   SELECT page rows joined back to directory_service, with correlated sub-selects for the details
 * where each tier is
 *   SELECT keys, text score, nearest km
 *   FROM directory_service s [JOIN places in the bounding box | LEFT JOIN places]
 *   WHERE visible AND active AND text AND need AND attributes AND language AND day AND age
 *   [GROUP BY s.organisation_id, s.id  HAVING nearest place <= maxKm]
 *
 * Indexes (migrations/0003_directory.sql), and what row-level security allows of them:
 *   - distance: latitude/longitude BETWEEN the bounding box → directory_location_geo (float
 *     comparisons are LEAKPROOF, so usable under RLS), then directory_sal_location to the service;
 *     the exact haversine runs only on the box's rows and HAVING cuts the box's corners off.
 *   - need and attribute filters: semi-joins on directory_attribute_link (organisation_id,
 *     link_entity, link_id) or from directory_attribute_term (taxonomy_term_id, link_id); term ids are
 *     looked up once per statement (an InitPlan), never per row.
 *   - day / open now / language / cost: EXISTS on the per-service indexes of their tables.
 *   - text: the GIN indexes on directory_service (search_document; trigram on name) cannot be used
 *     by the app role, because `@@` and `%>>` are not LEAKPROOF and the table has row-level security:
 *     text is checked row by row. migrations/0006_directory_search.sql adds a published-services
 *     text table without RLS whose GIN indexes the query then uses (textBranches); the service
 *     detects it.
 * The taxonomy ids are constants from the migration; everything the caller sent is a bound parameter.
 */

export interface Origin {
  latitude: number;
  longitude: number;
}

export interface SearchPlan {
  query: SearchQuery;
  /** The caller's organisation: its own unpublished services are found too. */
  organisationId: string;
  origin: Origin | null;
  clock: LocalClock;
  words: string[];
  /** Services left out of the results (and the total): offers leave out what a person said no to. */
  exclude?: readonly string[];
}

export interface SearchRow {
  id: string;
  organisationId: string;
  score: number;
  km: number | null;
  total: number;
  name: string;
  description: string | null;
  status: string;
  published: boolean;
  lastVerified: string | null;
  feesDescription: string | null;
  minimumAge: number | null;
  maximumAge: number | null;
  providerId: string;
  providerName: string;
  terms: { code: string | null; name: string; taxonomy: 'attribute' | 'need' | 'other'; parentCode: string | null }[];
  schedules: {
    freq: string | null;
    byday: string | null;
    interval: number | null;
    opensAt: string | null;
    closesAt: string | null;
    validFrom: string | null;
    validTo: string | null;
    dtstart: string | null;
    until: string | null;
  }[];
  costs: { option: string | null; amount: number | string | null; currency: string | null; amountDescription: string | null }[];
  matched: string[];
}

const ATTR = sql.lit(ATTRIBUTE_TAXONOMY_ID);
const NEEDS = sql.lit(NEEDS_TAXONOMY_ID);
/** Attributes with a value that says no ("false", "no", "0") do not count. */
const ATTRIBUTE_SAYS_YES = sql`coalesce(lower(a.value), 'true') NOT IN ('false', 'no', '0')`;

/** Great-circle distance (km) from the origin to a latitude/longitude column pair; NULL for a place with no coordinates. */
export function haversine(origin: Origin, lat: RawBuilder<unknown>, lon: RawBuilder<unknown>): RawBuilder<number> {
  const oLat = sql`${origin.latitude}::float8`;
  const oLon = sql`${origin.longitude}::float8`;
  // least(1, …) guards asin against rounding; it would also turn NULL into 1, hence the CASE.
  return sql<number>`(CASE WHEN ${lat} IS NOT NULL AND ${lon} IS NOT NULL THEN ${sql.lit(2 * EARTH_RADIUS_KM)} * asin(least(1.0, sqrt(
      power(sin(radians(${lat} - ${oLat}) / 2), 2)
      + cos(radians(${oLat})) * cos(radians(${lat})) * power(sin(radians(${lon} - ${oLon}) / 2), 2)))) END)`;
}

const serviceLink = sql`a.organisation_id = s.organisation_id AND a.link_entity = 'service' AND a.link_id = s.id`;

function hasAttribute(code: string): RawBuilder<unknown> {
  return sql`EXISTS (SELECT 1 FROM directory_attribute a WHERE ${serviceLink} AND ${ATTRIBUTE_SAYS_YES}
      AND a.taxonomy_term_id = (SELECT t.id FROM directory_taxonomy_term t WHERE t.taxonomy_id = ${ATTR} AND t.code = ${code}))`;
}

/** One attribute filter. Two are also read from the data itself: free (every cost option £0) and evenings/weekends (schedules). */
function attributeFilter(code: string): RawBuilder<unknown> {
  if (code === 'free') {
    return sql`(${hasAttribute(code)}
      OR (EXISTS (SELECT 1 FROM directory_cost_option c WHERE c.organisation_id = s.organisation_id AND c.service_id = s.id)
          AND NOT EXISTS (SELECT 1 FROM directory_cost_option c WHERE c.organisation_id = s.organisation_id AND c.service_id = s.id AND c.amount IS DISTINCT FROM 0)))`;
  }
  if (code === 'evenings-weekends') {
    return sql`(${hasAttribute(code)}
      OR EXISTS (SELECT 1 FROM directory_schedule sc WHERE sc.organisation_id = s.organisation_id AND sc.service_id = s.id
                 AND (sc.byday ~ '(SA|SU)' OR sc.closes_at > '18:00')))`;
  }
  return hasAttribute(code);
}

/** A need matches services tagged with it or with any need below it (taxonomy tree, or the needs list). */
function needFilter(need: string): RawBuilder<unknown> {
  return sql`EXISTS (SELECT 1 FROM directory_attribute a WHERE ${serviceLink} AND ${ATTRIBUTE_SAYS_YES}
      AND a.taxonomy_term_id = ANY (ARRAY(
        WITH RECURSIVE tree (id) AS (
          SELECT t.id FROM directory_taxonomy_term t
          WHERE t.taxonomy_id = ${NEEDS} AND (t.code = ${need} OR t.code IN (SELECT n.code FROM need_code n WHERE n.parent_code = ${need}))
          UNION
          SELECT c.id FROM directory_taxonomy_term c JOIN tree ON c.parent_id = tree.id
        )
        SELECT id FROM tree)))`;
}

function languageFilter(language: string): RawBuilder<unknown> {
  const spoken = sql`EXISTS (SELECT 1 FROM directory_language lg WHERE lg.organisation_id = s.organisation_id AND lg.service_id = s.id
      AND (lower(lg.code) = lower(${language}) OR lower(lg.name) = lower(${language})))`;
  // A service that names no language is taken to work in English.
  if (['en', 'eng', 'english'].includes(language.toLowerCase())) {
    return sql`(${spoken} OR NOT EXISTS (SELECT 1 FROM directory_language lg WHERE lg.organisation_id = s.organisation_id AND lg.service_id = s.id))`;
  }
  return spoken;
}

/** Weekly or monthly sessions on that weekday that have not ended. */
function dayFilter(dayIndex: number, today: string): RawBuilder<unknown> {
  return sql`EXISTS (SELECT 1 FROM directory_schedule sc WHERE sc.organisation_id = s.organisation_id AND sc.service_id = s.id
      AND sc.freq IN ('WEEKLY', 'MONTHLY') AND sc.byday ~ ${bydayPattern(DAY_CODES[dayIndex]!)}
      AND (sc.valid_to IS NULL OR sc.valid_to >= ${today}::date) AND (sc.until IS NULL OR sc.until >= ${today}::date))`;
}

/** A weekly session running at this moment (UK time), every-n-weeks schedules counted from dtstart's week. */
function openNowFilter(clock: LocalClock): RawBuilder<unknown> {
  const today = sql`${clock.date}::date`;
  const time = sql`${clock.time}::time`;
  return sql`EXISTS (SELECT 1 FROM directory_schedule sc WHERE sc.organisation_id = s.organisation_id AND sc.service_id = s.id
      AND sc.freq = 'WEEKLY' AND sc.byday ~ ${bydayPattern(DAY_CODES[clock.weekday]!)}
      AND sc.opens_at <= ${time} AND sc.closes_at > ${time}
      AND (sc.valid_from IS NULL OR sc.valid_from <= ${today}) AND (sc.valid_to IS NULL OR sc.valid_to >= ${today})
      AND (sc.dtstart IS NULL OR sc.dtstart <= ${today}) AND (sc.until IS NULL OR sc.until >= ${today})
      AND (coalesce(sc.interval, 1) <= 1 OR sc.dtstart IS NULL
           OR ((${today} - (sc.dtstart - (extract(isodow FROM sc.dtstart)::int - 1))) / 7) % sc.interval = 0))`;
}

function filters(plan: SearchPlan): RawBuilder<unknown>[] {
  const q = plan.query;
  const out: RawBuilder<unknown>[] = [
    // Row-level security already hides other organisations' unpublished services; saying it here too
    // keeps the rule visible and true on a connection that bypasses RLS.
    sql`(s.published OR s.organisation_id = ${plan.organisationId}::uuid)`,
    sql`s.status IN ('active', 'temporarily closed')`,
  ];
  if (q.need) out.push(needFilter(q.need));
  if (plan.exclude?.length) out.push(sql`s.id <> ALL(${[...plan.exclude]}::uuid[])`);
  for (const code of q.attributes) out.push(attributeFilter(code));
  if (q.language) out.push(languageFilter(q.language));
  if (q.day) out.push(dayFilter(DAYS.indexOf(q.day), plan.clock.date));
  if (q.openNow) out.push(openNowFilter(plan.clock));
  if (q.age !== null) out.push(sql`(s.minimum_age IS NULL OR s.minimum_age <= ${q.age}) AND (s.maximum_age IS NULL OR s.maximum_age >= ${q.age})`);
  return out;
}

/** How near counts in the ranking: 1 at the door, ½ at 5 km, ⅓ at 10 km; a service with no mapped place counts as about 12 km. */
const PROXIMITY_KM = 5;
const UNLOCATED_PROXIMITY = 0.3;

function orderBy(sort: SearchQuery['sort'], prefix: string): RawBuilder<unknown> {
  const p = sql.raw(prefix);
  if (sort === 'name') return sql`${p}sort_name, ${p}id`;
  if (sort === 'distance') return sql`${p}km ASC NULLS LAST, ${p}score DESC, ${p}sort_name, ${p}id`;
  return sql`${p}score DESC, ${p}km ASC NULLS LAST, ${p}sort_name, ${p}id`;
}

/**
 * Free text, in two tiers within the one statement:
 *  1. exact: PostgreSQL full text with English stemming (websearch syntax: "quoted phrases", or,
 *     -not), so "walks" finds "Walking group";
 *  2. near spellings, only when tier 1 finds nothing: word by word, the word's stem in the document,
 *     or, for a word found nowhere in the directory, a name word spelt nearly like it (trigram strict
 *     word similarity ≥ 0.5), so "gardning" finds "Community gardening". Tier 2 is gated by
 *     `NOT EXISTS (SELECT 1 FROM exact)`, an InitPlan the executor checks once, so an ordinary search
 *     never pays for trigram comparisons.
 * Stop words ("the") are left out of the word-by-word test; a search of only stop words finds nothing.
 */
function exactCondition(alias: string, text: string): RawBuilder<unknown> {
  const a = sql.raw(alias);
  return sql`numnode(websearch_to_tsquery('english', ${text})) > 0 AND ${a}.search_document @@ websearch_to_tsquery('english', ${text})`;
}

/**
 * Tier 2, word by word: the word's stem in the document, or, only for a word found nowhere in the
 * directory (a misspelling), a name word spelt nearly like it. Whether a word is found anywhere is an
 * uncorrelated sub-select, worked out once per statement; so a known word never costs a trigram
 * comparison per row, and only the misspelt word does.
 */
function nearCondition(alias: string, text: string, words: readonly string[]): RawBuilder<unknown> {
  if (words.length === 0) return sql`false`;
  const a = sql.raw(alias);
  const perWord = words.map(
    (w) => sql`(numnode(plainto_tsquery('english', ${w})) = 0 OR ${a}.search_document @@ plainto_tsquery('english', ${w})
      OR (NOT EXISTS (SELECT 1 FROM directory_published_text k WHERE k.search_document @@ plainto_tsquery('english', ${w})) AND ${a}.name %>> ${w}))`,
  );
  return sql`numnode(websearch_to_tsquery('english', ${text})) > 0 AND ${sql.join(perWord, sql` AND `)}`;
}

/**
 * Under row-level security PostgreSQL never uses an index for a condition whose operator is not
 * LEAKPROOF (`@@` and `%>>` are not), so on directory_service itself text conditions are checked row
 * by row. So a tier is two branches (migrations/0006_directory_search.sql): published
 * services matched through directory_published_text (no row-level security there, so its GIN indexes
 * serve, or the planner probes it by key when other filters leave few services), and the caller's
 * own unpublished services matched on directory_service itself.
 */
function textBranches(plan: SearchPlan, condition: (alias: string) => RawBuilder<unknown>): RawBuilder<unknown>[][] {
  return [
    [sql`s.published`, sql`EXISTS (SELECT 1 FROM directory_published_text x WHERE x.organisation_id = s.organisation_id AND x.service_id = s.id AND ${condition('x')})`],
    [sql`NOT s.published`, sql`s.organisation_id = ${plan.organisationId}::uuid`, condition('s')],
  ];
}

export function searchSql(plan: SearchPlan): RawBuilder<SearchRow> {
  const q = plan.query;
  const common = filters(plan);
  const text = q.text;
  // Relevance: cover density of the full-text match (0‥1) plus half the name's trigram likeness (0‥½).
  const textScore = text ? sql`(ts_rank_cd(s.search_document, websearch_to_tsquery('english', ${text}), 32) + 0.5 * word_similarity(${text}, s.name))` : sql`1.0`;

  // Inner level: one row per matching service with its text score and nearest mapped place (km).
  let from: RawBuilder<unknown> = sql`directory_service s`;
  let grouping: RawBuilder<unknown> = sql``;
  let km: RawBuilder<unknown> = sql`NULL::float8`;
  let proximity: RawBuilder<unknown> = sql`1.0`;
  if (plan.origin) {
    const distance = haversine(plan.origin, sql`l.latitude`, sql`l.longitude`);
    km = sql`min(${distance})`;
    proximity = sql`coalesce(1.0 / (1.0 + g.km / ${sql.lit(PROXIMITY_KM)}), ${sql.lit(UNLOCATED_PROXIMITY)})`;
    if (q.maxKm !== null) {
      // Only places inside the bounding box are joined (an index range scan); the exact distance is
      // then computed for those rows alone, and the corners of the box are cut off by HAVING.
      const box = boundingBox(plan.origin.latitude, plan.origin.longitude, q.maxKm);
      from = sql`directory_service s
        JOIN directory_service_at_location sal ON sal.organisation_id = s.organisation_id AND sal.service_id = s.id
        JOIN directory_location l ON l.organisation_id = sal.organisation_id AND l.id = sal.location_id
          AND l.latitude BETWEEN ${box.minLat} AND ${box.maxLat} AND l.longitude BETWEEN ${box.minLon} AND ${box.maxLon}`;
      grouping = sql`GROUP BY s.organisation_id, s.id HAVING ${km} <= ${q.maxKm}`;
    } else {
      from = sql`directory_service s
        LEFT JOIN directory_service_at_location sal ON sal.organisation_id = s.organisation_id AND sal.service_id = s.id
        LEFT JOIN directory_location l ON l.organisation_id = sal.organisation_id AND l.id = sal.location_id`;
      grouping = sql`GROUP BY s.organisation_id, s.id`;
    }
  }

  const matched = plan.words.length
    ? sql`ARRAY(
        SELECT x.m FROM (
          SELECT u.ord, CASE WHEN s.search_document @@ plainto_tsquery('english', u.w) THEN u.w
                 ELSE (SELECT nw FROM regexp_split_to_table(lower(s.name), '[^[:alnum:]]+') AS nw
                       WHERE length(nw) > 2 AND similarity(nw, u.w) >= 0.5 ORDER BY similarity(nw, u.w) DESC LIMIT 1) END AS m
          FROM unnest(${plan.words}::text[]) WITH ORDINALITY AS u (w, ord)
          WHERE numnode(plainto_tsquery('english', u.w)) > 0) x
        WHERE x.m IS NOT NULL ORDER BY x.ord)`
    : sql`ARRAY[]::text[]`;

  const offset = (q.page - 1) * q.limit;
  const select = (extra: RawBuilder<unknown>[]) => sql`
        SELECT s.organisation_id, s.id, lower(s.name) AS sort_name, ${textScore} AS text_score, ${km}::float8 AS km
        FROM ${from}
        WHERE ${sql.join([...common, ...extra], sql` AND `)}
        ${grouping}`;
  const tier = (condition: (alias: string) => RawBuilder<unknown>, gate: RawBuilder<unknown>[] = []) =>
    sql.join(textBranches(plan, condition).map((branch) => select([...gate, ...branch])), sql` UNION ALL `);
  const matches = text
    ? sql`exact AS MATERIALIZED (${tier((a) => exactCondition(a, text))}),
      matches AS (
        SELECT * FROM exact
        UNION ALL
        ${tier((a) => nearCondition(a, text, plan.words), [sql`NOT EXISTS (SELECT 1 FROM exact)`])}),`
    : sql`matches AS (${select([])}),`;

  return sql<SearchRow>`WITH ${matches}
    hits AS (
      SELECT g.organisation_id, g.id, g.sort_name, g.km,
             (g.text_score * ${proximity})::float8 AS score,
             (count(*) OVER ())::int AS total
      FROM matches g
      ORDER BY ${orderBy(q.sort, '')}
      LIMIT ${q.limit} OFFSET ${offset})
    SELECT h.id, h.organisation_id, h.score, h.km, h.total,
           s.name, s.description, s.status, s.published, s.last_verified, s.fees_description, s.minimum_age, s.maximum_age,
           o.id AS provider_id, o.name AS provider_name,
           coalesce((SELECT json_agg(json_build_object(
                       'code', t.code, 'name', t.name,
                       'taxonomy', CASE t.taxonomy_id WHEN ${ATTR} THEN 'attribute' WHEN ${NEEDS} THEN 'need' ELSE 'other' END,
                       'parentCode', coalesce(pt.code, n.parent_code)) ORDER BY t.name)
                     FROM directory_attribute a
                     JOIN directory_taxonomy_term t ON t.id = a.taxonomy_term_id
                     LEFT JOIN directory_taxonomy_term pt ON pt.id = t.parent_id
                     LEFT JOIN need_code n ON t.taxonomy_id = ${NEEDS} AND n.code = t.code
                     WHERE ${serviceLink} AND ${ATTRIBUTE_SAYS_YES}), '[]'::json) AS terms,
           coalesce((SELECT json_agg(json_build_object(
                       'freq', sc.freq, 'byday', sc.byday, 'interval', sc.interval, 'opensAt', sc.opens_at, 'closesAt', sc.closes_at,
                       'validFrom', sc.valid_from, 'validTo', sc.valid_to, 'dtstart', sc.dtstart, 'until', sc.until))
                     FROM directory_schedule sc WHERE sc.organisation_id = s.organisation_id AND sc.service_id = s.id), '[]'::json) AS schedules,
           coalesce((SELECT json_agg(json_build_object('option', c.option, 'amount', c.amount, 'currency', c.currency, 'amountDescription', c.amount_description))
                     FROM directory_cost_option c WHERE c.organisation_id = s.organisation_id AND c.service_id = s.id
                       AND (c.valid_to IS NULL OR c.valid_to >= ${plan.clock.date}::date)), '[]'::json) AS costs,
           ${matched} AS matched
    FROM hits h
    JOIN directory_service s ON s.organisation_id = h.organisation_id AND s.id = h.id
    JOIN directory_organization o ON o.organisation_id = s.organisation_id AND o.id = s.directory_organization_id
    ORDER BY ${orderBy(q.sort, 'h.')}`;
}

/** Everything about one service for its page and GET /api/v1/services/:id, in one statement. */
export function detailSql(id: string, organisationId: string, origin: Origin | null): RawBuilder<Record<string, unknown>> {
  const km = origin ? haversine(origin, sql`l.latitude`, sql`l.longitude`) : sql`NULL::float8`;
  return sql`SELECT s.id, s.organisation_id, s.name, s.alternate_name, s.description, s.url, s.email, s.status,
           s.interpretation_services, s.application_process, s.fees_description, s.accreditations, s.eligibility_description,
           s.minimum_age, s.maximum_age, s.alert, s.assured_date, s.last_modified, s.last_verified, s.published,
           o.id AS provider_id, o.name AS provider_name, o.website AS provider_website, o.email AS provider_email, o.description AS provider_description,
           coalesce((SELECT json_agg(x ORDER BY x.km NULLS LAST, x.name) FROM (
               SELECT l.id, l.name, l.location_type AS "locationType", l.description, l.url, l.latitude, l.longitude, ${km}::float8 AS km,
                      coalesce((SELECT json_agg(json_build_object('address1', ad.address_1, 'address2', ad.address_2, 'city', ad.city,
                                  'region', ad.region, 'stateProvince', ad.state_province, 'postalCode', ad.postal_code, 'country', ad.country,
                                  'addressType', ad.address_type) ORDER BY ad.address_type, ad.id)
                                FROM directory_address ad WHERE ad.organisation_id = l.organisation_id AND ad.location_id = l.id), '[]'::json) AS addresses,
                      coalesce((SELECT json_agg(json_build_object('description', ac.description, 'details', ac.details, 'url', ac.url))
                                FROM directory_accessibility ac WHERE ac.organisation_id = l.organisation_id AND ac.location_id = l.id), '[]'::json) AS accessibility
               FROM directory_service_at_location sal
               JOIN directory_location l ON l.organisation_id = sal.organisation_id AND l.id = sal.location_id
               WHERE sal.organisation_id = s.organisation_id AND sal.service_id = s.id) x), '[]'::json) AS locations,
           coalesce((SELECT json_agg(json_build_object(
                       'freq', sc.freq, 'byday', sc.byday, 'bymonthday', sc.bymonthday, 'interval', sc.interval, 'opensAt', sc.opens_at,
                       'closesAt', sc.closes_at, 'validFrom', sc.valid_from, 'validTo', sc.valid_to, 'dtstart', sc.dtstart, 'until', sc.until,
                       'description', sc.description, 'notes', sc.notes, 'attendingType', sc.attending_type) ORDER BY sc.opens_at NULLS LAST, sc.id)
                     FROM directory_schedule sc WHERE sc.organisation_id = s.organisation_id AND sc.service_id = s.id), '[]'::json) AS schedules,
           coalesce((SELECT json_agg(json_build_object('name', ct.name, 'title', ct.title, 'department', ct.department, 'email', ct.email,
                       'phones', coalesce((SELECT json_agg(json_build_object('number', ph.number, 'extension', ph.extension, 'type', ph.type, 'description', ph.description))
                                           FROM directory_phone ph WHERE ph.organisation_id = ct.organisation_id AND ph.contact_id = ct.id AND ph.service_id IS NULL), '[]'::json))
                       ORDER BY ct.name NULLS LAST, ct.id)
                     FROM directory_contact ct WHERE ct.organisation_id = s.organisation_id AND ct.service_id = s.id), '[]'::json) AS contacts,
           coalesce((SELECT json_agg(json_build_object('number', ph.number, 'extension', ph.extension, 'type', ph.type, 'description', ph.description) ORDER BY ph.id)
                     FROM directory_phone ph WHERE ph.organisation_id = s.organisation_id AND ph.service_id = s.id), '[]'::json) AS phones,
           coalesce((SELECT json_agg(json_build_object('option', c.option, 'amount', c.amount, 'currency', c.currency, 'amountDescription', c.amount_description,
                       'validFrom', c.valid_from, 'validTo', c.valid_to) ORDER BY c.amount NULLS LAST, c.id)
                     FROM directory_cost_option c WHERE c.organisation_id = s.organisation_id AND c.service_id = s.id), '[]'::json) AS costs,
           coalesce((SELECT json_agg(json_build_object('name', lg.name, 'code', lg.code, 'note', lg.note) ORDER BY lg.name NULLS LAST, lg.code)
                     FROM directory_language lg WHERE lg.organisation_id = s.organisation_id AND lg.service_id = s.id), '[]'::json) AS languages,
           coalesce((SELECT json_agg(json_build_object('name', sa.name, 'description', sa.description) ORDER BY sa.name NULLS LAST)
                     FROM directory_service_area sa WHERE sa.organisation_id = s.organisation_id AND sa.service_id = s.id), '[]'::json) AS areas,
           coalesce((SELECT json_agg(json_build_object(
                       'code', t.code, 'name', t.name, 'value', a.value,
                       'taxonomy', CASE t.taxonomy_id WHEN ${ATTR} THEN 'attribute' WHEN ${NEEDS} THEN 'need' ELSE 'other' END) ORDER BY t.name)
                     FROM directory_attribute a JOIN directory_taxonomy_term t ON t.id = a.taxonomy_term_id
                     WHERE ${serviceLink} AND ${ATTRIBUTE_SAYS_YES}), '[]'::json) AS terms
    FROM directory_service s
    JOIN directory_organization o ON o.organisation_id = s.organisation_id AND o.id = s.directory_organization_id
    WHERE s.id = ${id}::uuid AND (s.published OR s.organisation_id = ${organisationId}::uuid)`;
}
