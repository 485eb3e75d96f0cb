import { readFileSync } from 'node:fs';
import { CENTROID_FILES } from '../geo/centroids.js';
import { idMaker } from '../../../platform/generate/ids.js';
import { createRandom, weightedPicker, type Random } from '../../../platform/generate/random.js';
import {
  ACTIVITIES,
  CONTACT_NAMES,
  CONTACT_TITLES,
  ENGLISH_AREAS,
  isEnglishDistrict,
  LANGUAGES,
  PLACE_NAMES,
  PRACTICAL,
  PROVIDER_PATTERNS,
  SAINTS,
  STREETS,
  VENUES,
  type Activity,
} from './vocabulary.js';

/**
 * A generated community directory: realistic services spread over England, for benchmarks, demos and
 * load tests. Deterministic: the same seed, size, curating organisation and date give the same rows,
 * ids included. Rows come out in batches, table by table, in the column order of DIRECTORY_TABLES,
 * so a loader can send them as multi-row INSERTs (load.ts) without building objects per row.
 *
 * What it looks like, per 100 services (about): 60 free (a £0 cost option, the free attribute or
 * both); 28 drop-in; 7 with no place (phone or online), 10 at two places, the rest at one, on real
 * postcode sector centroids in England weighted by how many postcodes each sector has (so towns get
 * more than moors); about one provider per five services, the largest running about 60, mostly in
 * its own district and often at the same venue; 1–3 needs each (1.9 on average) from the needs
 * taxonomy; one or two weekly sessions for groups (some monthly, some evenings and weekends),
 * weekday hours for advice services; 20 with an age range; 12 never verified, 58 verified in the
 * last six months; 2 unpublished; 4 not active.
 */

export type DirectoryTable =
  | 'directory_organization'
  | 'directory_service'
  | 'directory_location'
  | 'directory_address'
  | 'directory_service_at_location'
  | 'directory_schedule'
  | 'directory_cost_option'
  | 'directory_attribute'
  | 'directory_phone'
  | 'directory_contact'
  | 'directory_language';

/** Columns written per table, with their PostgreSQL types (for loaders that cast). Parents before children. */
export const DIRECTORY_TABLES: Readonly<Record<DirectoryTable, readonly (readonly [string, string])[]>> = {
  directory_organization: [['organisation_id', 'uuid'], ['id', 'uuid'], ['name', 'text'], ['description', 'text'], ['email', 'text'], ['website', 'text']],
  directory_service: [
    ['organisation_id', 'uuid'], ['id', 'uuid'], ['directory_organization_id', 'uuid'], ['name', 'text'], ['description', 'text'], ['url', 'text'],
    ['email', 'text'], ['status', 'text'], ['application_process', 'text'], ['fees_description', 'text'], ['eligibility_description', 'text'],
    ['minimum_age', 'int4'], ['maximum_age', 'int4'], ['last_modified', 'timestamptz'], ['last_verified', 'date'], ['published', 'bool'],
  ],
  directory_location: [['organisation_id', 'uuid'], ['id', 'uuid'], ['location_type', 'text'], ['name', 'text'], ['latitude', 'float8'], ['longitude', 'float8']],
  directory_address: [
    ['organisation_id', 'uuid'], ['id', 'uuid'], ['location_id', 'uuid'], ['address_1', 'text'], ['city', 'text'], ['postal_code', 'text'], ['country', 'text'], ['address_type', 'text'],
  ],
  directory_service_at_location: [['organisation_id', 'uuid'], ['id', 'uuid'], ['service_id', 'uuid'], ['location_id', 'uuid']],
  directory_schedule: [
    ['organisation_id', 'uuid'], ['id', 'uuid'], ['service_id', 'uuid'], ['freq', 'text'], ['interval', 'int4'], ['byday', 'text'],
    ['opens_at', 'time'], ['closes_at', 'time'], ['description', 'text'],
  ],
  directory_cost_option: [['organisation_id', 'uuid'], ['id', 'uuid'], ['service_id', 'uuid'], ['option', 'text'], ['currency', 'text'], ['amount', 'numeric'], ['amount_description', 'text']],
  directory_attribute: [['organisation_id', 'uuid'], ['id', 'uuid'], ['link_id', 'uuid'], ['link_type', 'text'], ['link_entity', 'text'], ['taxonomy_term_id', 'uuid']],
  directory_phone: [['organisation_id', 'uuid'], ['id', 'uuid'], ['service_id', 'uuid'], ['contact_id', 'uuid'], ['number', 'text'], ['type', 'text']],
  directory_contact: [['organisation_id', 'uuid'], ['id', 'uuid'], ['service_id', 'uuid'], ['name', 'text'], ['title', 'text'], ['email', 'text']],
  directory_language: [['organisation_id', 'uuid'], ['id', 'uuid'], ['service_id', 'uuid'], ['name', 'text'], ['code', 'text']],
};

export const TABLE_ORDER = Object.keys(DIRECTORY_TABLES) as DirectoryTable[];

export type Value = string | number | boolean | null;
export type DirectoryBatch = Record<DirectoryTable, Value[][]>;

/** Taxonomy term ids by code: the attribute terms and the needs terms (see migrations/0003_directory.sql). */
export interface TermIds {
  attributes: ReadonlyMap<string, string>;
  needs: ReadonlyMap<string, string>;
}

export interface GenerateOptions {
  /** The curating Linkwork organisation: every row is its. */
  organisationId: string;
  /** How many services. */
  count: number;
  seed?: number;
  /** "Today" for verification dates, YYYY-MM-DD (default: today). */
  asOf?: string;
  /** Services per batch (default 1000). */
  batchSize?: number;
  /** Where the services are: these postcode sectors (default: all of England's). */
  sectors?: readonly Sector[];
}

export interface Sector {
  sector: string;
  district: string;
  town: string;
  latitude: number;
  longitude: number;
  postcodes: number;
}

interface Venue {
  locationId: string;
}

interface Provider {
  id: string;
  name: string;
  domain: string;
  home: Sector;
  venues: Venue[];
  written: boolean;
}

const NEED_PHRASES: Record<string, string> = {
  'social-isolation': 'meeting new people',
  'mental-wellbeing': 'feeling low, anxious or stressed',
  'physical-activity': 'getting more active',
  'money-and-debt': 'money worries and debt',
  benefits: 'benefits and grants',
  housing: 'housing problems',
  employment: 'finding work',
  'education-and-skills': 'learning new skills',
  food: 'getting enough to eat',
  carers: 'caring for someone',
  'drug-and-alcohol': 'drinking or drug use',
  'domestic-abuse': 'abuse at home',
  legal: 'legal problems',
  'digital-skills': 'getting online',
  bereavement: 'losing someone close',
  'arts-and-creativity': 'being creative',
  'nature-and-green-space': 'getting outdoors',
  'fuel-poverty': 'heating your home',
  homelessness: 'having nowhere to stay',
  volunteering: 'volunteering',
};

const UNIT_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
const PRICES = [1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 8, 10, 12];
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR'];
const GROUP_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
const DAY_NAMES: Record<string, string> = { MO: 'Mondays', TU: 'Tuesdays', WE: 'Wednesdays', TH: 'Thursdays', FR: 'Fridays', SA: 'Saturdays', SU: 'Sundays' };

let englishSectors: Sector[] | undefined;

/**
 * The shipped sector centroids in England with their post towns, weighted by how many postcodes each
 * sector has (a stand-in for how many people live there). Read once per process.
 */
export function englandSectors(): Sector[] {
  englishSectors ??= readFileSync(CENTROID_FILES.sector, 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .flatMap((line) => {
      const [sector, latitude, longitude, postcodes] = line.split(',');
      if (!sector || !latitude || !longitude) return [];
      const district = sector.split(' ')[0]!;
      if (!isEnglishDistrict(district)) return [];
      const area = /^[A-Z]+/.exec(district)![0];
      return [{ sector, district, town: ENGLISH_AREAS[area]!, latitude: Number(latitude), longitude: Number(longitude), postcodes: Number(postcodes) || 1 }];
    });
  return englishSectors;
}

const time = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;
const clock = (minutes: number) => {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 12 && m === 0) return 'midday';
  const hour = h > 12 ? h - 12 : h;
  return `${hour}${m ? `:${String(m).padStart(2, '0')}` : ''}${h >= 12 ? 'pm' : 'am'}`;
};
const slug = (text: string) => text.toLowerCase().replace(/[’']/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

const dayCache = new Map<string, string>();
function addDays(date: string, days: number): string {
  const key = `${date}${days}`;
  let out = dayCache.get(key);
  if (out === undefined) {
    const d = new Date(`${date}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + days);
    dayCache.set(key, (out = d.toISOString().slice(0, 10)));
  }
  return out;
}

function emptyBatch(): DirectoryBatch {
  return Object.fromEntries(TABLE_ORDER.map((t) => [t, []])) as unknown as DirectoryBatch;
}

/** Generates the directory in batches of services (each batch: every row those services need). */
export function* generateDirectory(options: GenerateOptions, terms: TermIds): Generator<DirectoryBatch> {
  const seed = options.seed ?? 1;
  const org = options.organisationId;
  const asOf = options.asOf ?? new Date().toISOString().slice(0, 10);
  const batchSize = options.batchSize ?? 1000;
  const random = createRandom(seed);
  const makeId = idMaker(seed, org);
  const counters = new Map<number, number>();
  const nextId = (table: number) => {
    const n = (counters.get(table) ?? 0) + 1;
    counters.set(table, n);
    return makeId(table, n);
  };

  const sectors = options.sectors ?? englandSectors();
  const pickSector = weightedPicker(sectors, (s) => s.postcodes);
  const byDistrict = new Map<string, Sector[]>();
  for (const s of sectors) {
    const list = byDistrict.get(s.district);
    if (list) list.push(s);
    else byDistrict.set(s.district, [s]);
  }
  const pickActivity = weightedPicker(ACTIVITIES, () => 1);

  // Providers: about one for every four services; a few are large.
  const providerCount = Math.max(1, Math.round(options.count / 4));
  const providers: Provider[] = [];
  const providerWeights: number[] = [];
  for (let i = 0; i < providerCount; i++) {
    const home = pickSector(random);
    const place = random.pick(PLACE_NAMES);
    const name = random.pick(PROVIDER_PATTERNS)(home.town, place, random.pick(SAINTS));
    providers.push({ id: nextId(1), name, domain: `${slug(name)}.example.org`, home, venues: [], written: false });
    providerWeights.push(1 + 40 * random.next() ** 12);
  }
  const pickProvider = weightedPicker(
    providers.map((p, i) => ({ p, w: providerWeights[i]! })),
    (x) => x.w,
  );

  const attr = (code: string) => {
    const id = terms.attributes.get(code);
    if (!id) throw new Error(`No attribute term "${code}" in the database (has migration 0003 run?)`);
    return id;
  };
  const need = (code: string) => {
    const id = terms.needs.get(code);
    if (!id) throw new Error(`No need term "${code}" in the database`);
    return id;
  };

  let batch = emptyBatch();
  let inBatch = 0;
  for (let i = 0; i < options.count; i++) {
    const provider = pickProvider(random).p;
    if (!provider.written) {
      batch.directory_organization.push([org, provider.id, provider.name, null, `hello@${provider.domain}`, `https://${provider.domain}`]);
      provider.written = true;
    }
    const activity = pickActivity(random);
    const serviceId = nextId(2);
    const row = serviceRow(random, activity, provider, asOf);
    batch.directory_service.push([org, serviceId, provider.id, ...row.values]);

    // Places: none (phone or online), one, or two; often a venue the provider already uses.
    const placeCount = random.chance(0.07) ? 0 : random.chance(0.11) ? 2 : 1;
    for (let p = 0; p < placeCount; p++) {
      let venue: Venue;
      if (provider.venues.length > 0 && random.chance(0.5)) venue = random.pick(provider.venues);
      else {
        const sector = random.chance(0.85) ? random.pick(byDistrict.get(provider.home.district)!) : pickSector(random);
        const locationId = nextId(3);
        const venueName = random.pick(VENUES);
        batch.directory_location.push([
          org,
          locationId,
          'physical',
          venueName.replace(/^the /, '').replace(/^./, (c) => c.toUpperCase()),
          Math.round((sector.latitude + (random.next() - 0.5) * 0.012) * 1e6) / 1e6,
          Math.round((sector.longitude + (random.next() - 0.5) * 0.018) * 1e6) / 1e6,
        ]);
        const unit = `${sector.sector}${UNIT_LETTERS[random.int(0, UNIT_LETTERS.length - 1)]}${UNIT_LETTERS[random.int(0, UNIT_LETTERS.length - 1)]}`;
        batch.directory_address.push([org, nextId(4), locationId, `${random.int(1, 240)} ${random.pick(STREETS)}`, sector.town, unit, 'GB', 'physical']);
        venue = { locationId };
        if (provider.venues.length < 4) provider.venues.push(venue);
      }
      batch.directory_service_at_location.push([org, nextId(5), serviceId, venue.locationId]);
    }

    // Sessions.
    for (const s of row.schedules) batch.directory_schedule.push([org, nextId(6), serviceId, s.freq, null, s.byday, s.opens, s.closes, s.description]);

    // Cost.
    if (row.free) {
      if (row.freeCostOption) batch.directory_cost_option.push([org, nextId(7), serviceId, 'Free', 'GBP', 0, null]);
    } else {
      const price = random.pick(PRICES);
      batch.directory_cost_option.push([org, nextId(7), serviceId, 'Per session', 'GBP', price, random.chance(0.3) ? 'Concessions available' : null]);
    }

    // Attributes and needs.
    for (const code of row.attributes) batch.directory_attribute.push([org, nextId(8), serviceId, 'service', 'service', attr(code)]);
    for (const code of row.needs) batch.directory_attribute.push([org, nextId(8), serviceId, 'service', 'service', need(code)]);

    // Contact, phone, languages.
    const phone = phoneNumber(random, provider.home.town);
    if (random.chance(0.5)) {
      const contactId = nextId(10);
      const first = random.pick(CONTACT_NAMES);
      batch.directory_contact.push([org, contactId, serviceId, first, random.pick(CONTACT_TITLES), `${first.toLowerCase()}@${provider.domain}`]);
      if (random.chance(0.5)) batch.directory_phone.push([org, nextId(9), serviceId, contactId, phoneNumber(random, provider.home.town, true), 'cell']);
    }
    if (random.chance(0.9)) batch.directory_phone.push([org, nextId(9), serviceId, null, phone, 'voice']);
    if (random.chance(0.08)) {
      for (const [name, code] of random.sample(LANGUAGES, random.int(1, 2))) batch.directory_language.push([org, nextId(11), serviceId, name, code]);
    }

    inBatch++;
    if (inBatch === batchSize) {
      yield batch;
      batch = emptyBatch();
      inBatch = 0;
    }
  }
  if (inBatch > 0) yield batch;
}

interface GeneratedService {
  /** directory_service columns after organisation_id, id, directory_organization_id. */
  values: Value[];
  schedules: { freq: 'WEEKLY' | 'MONTHLY'; byday: string; opens: string; closes: string; description: string }[];
  free: boolean;
  /** A free service says so with a £0 cost option, the free attribute, or both. */
  freeCostOption: boolean;
  attributes: string[];
  needs: string[];
}

function serviceRow(random: Random, activity: Activity, provider: Provider, asOf: string): GeneratedService {
  const core = random.pick(activity.names);
  const place = random.pick(PLACE_NAMES);
  const style = random.next();
  const name =
    style < 0.35 ? `${core} at ${place}`
    : style < 0.6 ? `${core} – ${provider.home.town}`
    : style < 0.85 ? `${provider.name}: ${core}`
    : core;

  const free = random.chance(Math.min(1, activity.free * 0.8));
  const dropIn = random.chance(activity.dropIn * 0.6);
  const womenOnly = random.chance(activity.womenOnly ?? 0.02);
  const ages = activity.ages && random.chance(0.5) ? random.pick(activity.ages) : random.chance(0.08) ? ([18, null] as const) : ([null, null] as const);

  // Needs: the main one, then the others more often than not, and now and then one more.
  const needs = [activity.needs[0]!, ...activity.needs.slice(1).filter(() => random.chance(0.6))];
  if (random.chance(0.1)) {
    const extra = random.pick(Object.keys(NEED_PHRASES));
    if (!needs.includes(extra)) needs.push(extra);
  }

  // Sessions: groups meet once or twice a week (some monthly), advice runs weekday hours.
  const schedules: GeneratedService['schedules'] = [];
  let eveningsOrWeekends = false;
  if (random.chance(0.9)) {
    if (activity.kind === 'advice') {
      const days = random.chance(0.4) ? WEEKDAYS : random.sample(WEEKDAYS, random.int(1, 2)).sort((a, b) => WEEKDAYS.indexOf(a) - WEEKDAYS.indexOf(b));
      const opens = random.pick([9 * 60, 9 * 60 + 30, 10 * 60]);
      const closes = random.pick([13 * 60, 16 * 60, 16 * 60 + 30, 17 * 60]);
      schedules.push({ freq: 'WEEKLY', byday: days.join(','), opens: time(opens), closes: time(closes), description: `${days.length === 5 ? 'Monday to Friday' : days.map((d) => DAY_NAMES[d]).join(' and ')}, ${clock(opens)} to ${clock(closes)}` });
    } else {
      const sessions = random.chance(0.2) ? 2 : 1;
      for (let s = 0; s < sessions; s++) {
        const day = random.pick(GROUP_DAYS);
        const evening = random.chance(0.15);
        const opens = evening ? random.pick([18 * 60, 18 * 60 + 30, 19 * 60]) : random.pick([9 * 60 + 30, 10 * 60, 10 * 60 + 30, 13 * 60, 14 * 60]);
        const closes = opens + random.pick([60, 90, 120, 180]);
        if (evening || day === 'SA' || day === 'SU') eveningsOrWeekends = true;
        if (random.chance(0.1)) {
          const nth = random.pick(['1', '2', '3', '-1']);
          schedules.push({ freq: 'MONTHLY', byday: `${nth}${day}`, opens: time(opens), closes: time(closes), description: `${nth === '-1' ? 'Last' : ['First', 'Second', 'Third'][Number(nth) - 1]} ${DAY_NAMES[day]!.slice(0, -1)} of the month, ${clock(opens)} to ${clock(closes)}` });
        } else {
          schedules.push({ freq: 'WEEKLY', byday: day, opens: time(opens), closes: time(closes), description: `${DAY_NAMES[day]}, ${clock(opens)} to ${clock(closes)}` });
        }
      }
    }
  }

  const freeCostOption = free && random.chance(0.7);
  const attributes: string[] = [];
  if (free && (!freeCostOption || random.chance(0.45))) attributes.push('free');
  if (dropIn) attributes.push('drop-in');
  if (random.chance(activity.kind === 'group' ? 0.1 : 0.35)) attributes.push('trauma-informed');
  if (random.chance(activity.needs.includes('homelessness') ? 0.6 : 0.15)) attributes.push('no-id-needed');
  if (womenOnly) attributes.push('women-only');
  if (random.chance(activity.needs.includes('nature-and-green-space') ? 0.25 : 0.02)) attributes.push('dogs-welcome');
  if (random.chance(0.45)) attributes.push('wheelchair-accessible');
  if (eveningsOrWeekends && random.chance(0.7)) attributes.push('evenings-weekends');
  if (random.chance(0.3)) attributes.push('accompanied-visits-welcome');

  const needSentence =
    needs.length > 1 && random.chance(0.7) ? ` We can also help with ${needs.slice(1).map((n) => NEED_PHRASES[n]).join(' and ')}.` : '';
  const venue = random.pick(VENUES);
  const description =
    `${random.pick(activity.blurbs)}${needSentence} We meet at ${venue} in ${provider.home.town}. ${random.pick(PRACTICAL)}` +
    (dropIn ? ' Drop in any time during the session.' : '');

  const eligibility = [
    ages[0] !== null && ages[1] !== null ? `Ages ${ages[0]} to ${ages[1]}` : ages[0] !== null ? `Aged ${ages[0]} and over` : null,
    womenOnly ? 'Women only' : null,
  ].filter(Boolean);
  const verifiedDaysAgo = Math.floor(540 * random.next() ** 2);
  const lastVerified = random.chance(0.12) ? null : addDays(asOf, -verifiedDaysAgo);
  const statusRoll = random.next();
  const status = statusRoll < 0.96 ? 'active' : statusRoll < 0.985 ? 'temporarily closed' : statusRoll < 0.995 ? 'inactive' : 'defunct';

  return {
    values: [
      name,
      description,
      random.chance(0.6) ? `https://${provider.domain}/${slug(core)}` : null,
      random.chance(0.4) ? `${slug(core).slice(0, 20)}@${provider.domain}` : null,
      status,
      dropIn ? 'Drop in during the session times.' : random.pick(['Ask a link worker to refer you, or call us.', 'Call or email to book a place.', 'Fill in the form on our website.']),
      free ? (random.chance(0.3) ? 'Free' : null) : random.pick(['A small charge per session; ask about concessions.', 'Pay per session.', 'Membership fee, first session free.']),
      eligibility.length ? eligibility.join('. ') : null,
      ages[0],
      ages[1],
      `${lastVerified ?? addDays(asOf, -verifiedDaysAgo - 30)}T10:00:00Z`,
      lastVerified,
      random.chance(0.98),
    ],
    schedules,
    free,
    freeCostOption,
    attributes,
    needs,
  };
}

const CITY_CODES: Record<string, string> = {
  Leeds: '0113 496 0', Bristol: '0117 496 0', London: '020 7946 0', Manchester: '0161 496 0', Sheffield: '0114 496 0',
  Nottingham: '0115 496 0', Leicester: '0116 496 0', Reading: '0118 496 0', Birmingham: '0121 496 0', Liverpool: '0151 496 0',
  'Newcastle upon Tyne': '0191 498 0',
};

/** Numbers Ofcom keeps for drama and examples: never a real line. */
function phoneNumber(random: Random, town: string, mobile = false): string {
  const digits = String(random.int(0, 999)).padStart(3, '0');
  if (mobile) return `07700 900${digits}`;
  const city = CITY_CODES[town];
  return city ? `${city}${digits}` : `01632 960${digits}`;
}
