import { englandSectors, type Sector } from '../directory/generate/generate.js';
import { ENGLISH_AREAS, PLACE_NAMES, PROVIDER_PATTERNS, SAINTS } from '../directory/generate/vocabulary.js';
import { idMaker } from '../../platform/generate/ids.js';
import { createRandom, logNormal, streamSeed, weightedPicker, type Random } from '../../platform/generate/random.js';
import type { Value } from '../../platform/generate/bulk.js';
import { syntheticName } from './names.js';

/**
 * The organisations stage: integrated care boards and local authorities (commissioners), the PCN
 * social prescribing services they fund with their link workers and team leads, the GP practices,
 * voluntary sector, housing and other organisations that refer, and their staff. All of it is kept
 * in memory (about 10,300 organisations and 21,600 staff at national scale, a few megabytes) because
 * every later stage refers to it; people and referrals are not (see year.ts).
 */

export interface User {
  id: string;
  email: string;
  name: string;
}

export interface Org {
  id: string;
  slug: string;
  name: string;
  type: 'gp-practice' | 'sp-service' | 'vcse' | 'local-authority' | 'commissioner' | 'other-referrer';
}

export interface Referrer {
  org: Org;
  users: User[];
}

export interface Commissioner {
  org: Org;
  user: User;
}

export interface Icb extends Commissioner {
  index: number;
  sectors: Sector[];
  pickSector: (random: Random) => Sector;
  pcns: Pcn[];
  housing: Referrer[];
  others: Referrer[];
  localAuthority: (Referrer & { commissioner: User }) | null;
}

export interface Pcn {
  index: number;
  org: Org;
  icb: Icb;
  district: string;
  sectors: Sector[];
  pickSector: (random: Random) => Sector;
  programmeId: string;
  teamLead: User;
  linkWorkers: User[];
  practices: Referrer[];
  pickPractice: (random: Random) => Referrer;
  vcse: Referrer[];
  /** How many referrals it receives in the year (before redirects from elsewhere). */
  referrals: number;
  /** How many directory services it curates. */
  services: number;
}

export interface Nation {
  seed: number;
  /** Slugs start with it, so two seeds can live side by side and generated rows are easy to find. */
  tag: string;
  icbs: Icb[];
  pcns: Pcn[];
  organisations: Org[];
  users: User[];
  /** Rows per organisation that row-level security checks: memberships and programmes. */
  memberships: { organisationId: string; userId: string; role: string }[];
  commissioners: Commissioner[];
}

export interface NationOptions {
  seed: number;
  referrals: number;
  services: number;
  pcns?: number;
  icbs?: number;
}

/** About 800 referrals a PCN service a year: 1,250 services at a million. */
export function defaultPcns(referrals: number): number {
  return Math.min(1250, Math.max(2, Math.round(referrals / 800)));
}

/** About 30 PCNs per ICB: 42 at national scale. */
export function defaultIcbs(pcns: number): number {
  return Math.min(42, Math.max(1, Math.round(pcns / 30)));
}

/** Splits `total` in proportion to `weights`, exactly (largest remainder), with at least `min` each while it lasts. */
export function apportion(total: number, weights: readonly number[], min = 0): number[] {
  const floor = Math.min(min, Math.floor(total / Math.max(1, weights.length)));
  const rest = total - floor * weights.length;
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (rest * w) / sum);
  const out = exact.map((x) => floor + Math.floor(x));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k]![1]]! += 1;
  return out;
}

/** Table numbers in the ids of the organisations stage. */
const ID = { organisation: 1, user: 2, programme: 3 } as const;

export function buildNation(options: NationOptions): Nation {
  const seed = options.seed;
  const random = createRandom(streamSeed(seed, 'organisations'));
  const makeId = idMaker(seed, 'national:organisations');
  const counters = new Map<number, number>();
  const nextId = (table: number) => {
    const n = (counters.get(table) ?? 0) + 1;
    counters.set(table, n);
    return makeId(table, n);
  };
  const tag = `s${seed}`;
  const organisations: Org[] = [];
  const users: User[] = [];
  const memberships: Nation['memberships'] = [];
  const commissioners: Commissioner[] = [];

  const org = (type: Org['type'], slug: string, name: string): Org => {
    const made = { id: nextId(ID.organisation), slug: `${tag}-${slug}`, name, type };
    organisations.push(made);
    return made;
  };
  const user = (at: Org, role: string, email?: string): User => {
    const name = syntheticName(random);
    const made = {
      id: nextId(ID.user),
      email: email ?? `${name.given}.${name.family}.${users.length + 1}@${at.slug}.example`.toLowerCase(),
      name: `${name.given} ${name.family}`,
    };
    users.push(made);
    memberships.push({ organisationId: at.id, userId: made.id, role });
    return made;
  };
  const referrer = (type: Org['type'], slug: string, name: string, staff: number): Referrer => {
    const made = org(type, slug, name);
    return { org: made, users: Array.from({ length: staff }, () => user(made, 'referrer')) };
  };

  // ICBs: postcode areas grouped around seed areas, each area to the nearest seed.
  const pcnCount = options.pcns ?? defaultPcns(options.referrals);
  const icbCount = Math.min(options.icbs ?? defaultIcbs(pcnCount), pcnCount);
  const areas = postcodeAreas();
  const seeds = weightedSample(random, areas, (a) => a.postcodes, Math.min(icbCount, areas.length));
  const groups = seeds.map(() => [] as Area[]);
  for (const area of areas) {
    let best = 0;
    for (let i = 1; i < seeds.length; i++) if (distance(area, seeds[i]!) < distance(area, seeds[best]!)) best = i;
    groups[best]!.push(area);
  }

  const icbs: Icb[] = seeds.map((home, index) => {
    const town = ENGLISH_AREAS[home.area]!;
    const number = String(index + 1).padStart(2, '0');
    const icbOrg = org('commissioner', `icb-${number}`, `NHS ${town} ${index + 1} Integrated Care Board (synthetic)`);
    const commissioner = user(icbOrg, 'commissioner', `commissioner@${icbOrg.slug}.example`);
    commissioners.push({ org: icbOrg, user: commissioner });
    const sectors = groups[index]!.flatMap((a) => a.sectors);
    return {
      index, org: icbOrg, user: commissioner, sectors, pickSector: weightedPicker(sectors, (s) => s.postcodes), pcns: [], housing: [], others: [], localAuthority: null,
    };
  });

  // About one local authority commissions social prescribing for every three ICBs.
  for (const icb of icbs) {
    if (icb.index % 3 !== 0) continue;
    const town = ENGLISH_AREAS[seeds[icb.index]!.area]!;
    const made = referrer('local-authority', `la-${String(icb.index + 1).padStart(2, '0')}`, `${town} ${icb.index + 1} Council (synthetic)`, 2);
    const commissioner = user(made.org, 'commissioner', `commissioner@${made.org.slug}.example`);
    commissioners.push({ org: made.org, user: commissioner });
    icb.localAuthority = { ...made, commissioner };
  }

  // PCNs: shared among ICBs by population (postcodes), each on its own district while districts last.
  const perIcb = apportion(pcnCount, icbs.map((i) => i.sectors.reduce((a, s) => a + s.postcodes, 0)), 1);
  const pcnWeights: number[] = [];
  const pcns: Pcn[] = [];
  for (const icb of icbs) {
    const districts = new Map<string, Sector[]>();
    for (const s of icb.sectors) (districts.get(s.district) ?? districts.set(s.district, []).get(s.district)!).push(s);
    const ordered = weightedSample(random, [...districts.keys()], (d) => districts.get(d)!.reduce((a, s) => a + s.postcodes, 0), districts.size);
    for (let k = 0; k < perIcb[icb.index]!; k++) {
      const district = ordered[k % ordered.length]!;
      const sectors = districts.get(district)!;
      const index = pcns.length;
      const town = ENGLISH_AREAS[areaOf(district)]!;
      const place = random.pick(PLACE_NAMES);
      const pcnOrg = org('sp-service', `pcn-${String(index + 1).padStart(4, '0')}`, `${town} ${place} PCN Social Prescribing`);
      const teamLead = user(pcnOrg, 'team-lead');
      const linkWorkers = Array.from({ length: random.int(2, 6) }, () => user(pcnOrg, 'link-worker'));
      const practices = Array.from({ length: random.int(3, 7) }, (_, p) =>
        referrer('gp-practice', `gp-${String(index + 1).padStart(4, '0')}-${p + 1}`, `${random.pick(PLACE_NAMES)} ${random.pick(['Surgery', 'Medical Practice', 'Health Centre', 'Family Practice'])}, ${town}`, random.int(1, 3)),
      );
      const practiceWeights = practices.map(() => logNormal(random, 1, 2.2));
      const vcse = Array.from({ length: random.int(1, 3) }, (_, v) => {
        const name = random.pick(PROVIDER_PATTERNS)(town, random.pick(PLACE_NAMES), random.pick(SAINTS));
        const made = referrer('vcse', `vcse-${String(index + 1).padStart(4, '0')}-${v + 1}`, name, 1);
        // VCSE staff refer people, and provide the activities people are referred on to.
        memberships[memberships.length - 1]!.role = 'provider';
        return made;
      });
      pcnWeights.push(logNormal(random, 1, 1.6));
      const pickWeighted = weightedPicker(practices.map((p, i) => ({ p, w: practiceWeights[i]! })), (x) => x.w);
      const pcn: Pcn = {
        index, org: pcnOrg, icb, district, sectors, pickSector: weightedPicker(sectors, (s) => s.postcodes),
        programmeId: nextId(ID.programme), teamLead, linkWorkers, practices,
        pickPractice: (r) => pickWeighted(r).p,
        vcse, referrals: 0, services: 0,
      };
      pcns.push(pcn);
      icb.pcns.push(pcn);
    }
    // Housing providers and other referrers (community mental health, probation) serve the whole ICB.
    const town = ENGLISH_AREAS[seeds[icb.index]!.area]!;
    const number = String(icb.index + 1).padStart(2, '0');
    for (let h = 0; h < 3; h++) {
      icb.housing.push(referrer('other-referrer', `housing-${number}-${h + 1}`, `${random.pick(PLACE_NAMES)} ${random.pick(['Homes', 'Housing Association', 'Housing Trust'])}`, random.int(1, 2)));
    }
    icb.others.push(referrer('other-referrer', `cmht-${number}`, `${town} ${icb.index + 1} Community Mental Health Team`, 2));
    icb.others.push(referrer('other-referrer', `probation-${number}`, `${town} ${icb.index + 1} Probation Service`, 1));
  }
  const referralsPerPcn = apportion(options.referrals, pcnWeights);
  const servicesPerPcn = apportion(options.services, pcnWeights);
  for (const pcn of pcns) {
    pcn.referrals = referralsPerPcn[pcn.index]!;
    pcn.services = servicesPerPcn[pcn.index]!;
  }
  return { seed, tag, icbs, pcns, organisations, users, memberships, commissioners };
}

interface Area {
  area: string;
  latitude: number;
  longitude: number;
  postcodes: number;
  sectors: Sector[];
}

const areaOf = (district: string) => /^[A-Z]+/.exec(district)![0];

let areasCache: Area[] | undefined;

/** England's postcode areas, with their sectors and a centre weighted by postcodes. In a fixed order. */
function postcodeAreas(): Area[] {
  if (areasCache) return areasCache;
  const byArea = new Map<string, Sector[]>();
  for (const s of englandSectors()) {
    const area = areaOf(s.district);
    (byArea.get(area) ?? byArea.set(area, []).get(area)!).push(s);
  }
  areasCache = [...byArea.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([area, sectors]) => {
      const postcodes = sectors.reduce((a, s) => a + s.postcodes, 0);
      return {
        area,
        sectors,
        postcodes,
        latitude: sectors.reduce((a, s) => a + s.latitude * s.postcodes, 0) / postcodes,
        longitude: sectors.reduce((a, s) => a + s.longitude * s.postcodes, 0) / postcodes,
      };
    });
  return areasCache;
}

function distance(a: Area, b: Area): number {
  const dx = (a.longitude - b.longitude) * Math.cos((((a.latitude + b.latitude) / 2) * Math.PI) / 180);
  const dy = a.latitude - b.latitude;
  return dx * dx + dy * dy;
}

/** `count` different items, heavier ones more likely to come first. */
function weightedSample<T>(random: Random, items: readonly T[], weight: (item: T) => number, count: number): T[] {
  const left = [...items];
  const out: T[] = [];
  while (out.length < count && left.length) {
    const pick = weightedPicker(left, weight)(random);
    out.push(pick);
    left.splice(left.indexOf(pick), 1);
  }
  return out;
}

/** The organisation stage's rows: organisations, users, memberships and programmes, in column order (see tables.ts). */
export function nationRows(nation: Nation, createdAt: string, commissionerPasswordHash: string | null): {
  organisation: Value[][];
  app_user: Value[][];
  byOrganisation: Map<string, { membership: Value[][]; programme: Value[][] }>;
} {
  const commissionerIds = new Set(nation.commissioners.map((c) => c.user.id));
  const byOrganisation = new Map<string, { membership: Value[][]; programme: Value[][] }>();
  const of = (id: string) => byOrganisation.get(id) ?? byOrganisation.set(id, { membership: [], programme: [] }).get(id)!;
  for (const m of nation.memberships) of(m.organisationId).membership.push([m.organisationId, m.userId, m.role, true, createdAt, createdAt]);
  for (const pcn of nation.pcns) of(pcn.org.id).programme.push([pcn.org.id, pcn.programmeId, 'social-prescribing', 'Social prescribing', true, createdAt]);
  return {
    organisation: nation.organisations.map((o) => [o.id, o.slug, o.name, o.type, createdAt]),
    app_user: nation.users.map((u) => [u.id, u.email, u.name, commissionerIds.has(u.id) ? commissionerPasswordHash : null, false, true, createdAt, createdAt]),
    byOrganisation,
  };
}
