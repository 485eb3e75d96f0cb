import { setScope, type Database, type Tx } from '../../platform/db/database.js';
import { refreshStatistics } from '../../platform/db/statistics.js';
import { hashPassword } from '../../platform/auth/passwords.js';
import { insertUnnest } from '../../platform/generate/bulk.js';
import { termIds } from '../directory/generate/load.js';
import { DEMO_ORGANISATIONS } from '../demo/seed.js';
import { buildNation, nationRows, type Nation } from './nation.js';
import { NATIONAL_TABLES, RowSink, TENANT_COLUMNS, TENANT_ORDER, type TenantTable } from './tables.js';
import { newTally, pipeline, type Tally } from './year.js';

/**
 * `linkwork generate`: a synthetic national year written into the database through the app role,
 * each organisation's rows in its own row-level security context, one PCN service's year per
 * transaction. Memory stays flat: the organisations are kept (a few megabytes), each PCN's people
 * and referrals are written and dropped.
 */

export interface NationalOptions {
  seed: number;
  referrals: number;
  services: number;
  pcns?: number;
  icbs?: number;
  /** The day after the year's last, YYYY-MM-DD (default 2026-04-01: the 2025/26 financial year). */
  yearEnd?: string;
  /** Add to a database that already holds other organisations (never the same seed twice). */
  append?: boolean;
  /** The password of every commissioner user; null leaves them without one. */
  commissionerPassword: string | null;
  onProgress?: (pcnsDone: number, pcnsTotal: number, referrals: number) => void;
  /** Set to stop after the PCN being written. */
  signal?: { requested: boolean };
}

export interface NationalSummary {
  seed: number;
  period: { from: string; to: string };
  rows: Record<string, number>;
  organisations: Record<string, number>;
  referrals: number;
  redirectedIn: number;
  mdShare: number;
  statuses: Tally['statuses'];
  sources: Tally['sources'];
  /** Days, from the hour histograms: median and 90th percentile. */
  waits: { toAccept: { median: number; p90: number } | null; toFirstContact: { median: number; p90: number } | null };
  offers: Tally['offers'];
  introductions: Tally['introductions'];
  measures: Tally['measures'];
  commissioners: { organisation: string; email: string }[];
  interrupted: boolean;
}

export const DEFAULT_YEAR_END = '2026-04-01';

/** Why the generator will not write: said before anything is written. */
export class GenerateRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GenerateRefused';
  }
}

/** Anything but the demo organisations (or nothing) counts as data the generator must not mix with. */
async function checkDatabase(db: Database, nation: Nation, append: boolean): Promise<void> {
  const first = await db.kysely.selectFrom('organisation').select('slug').where('id', '=', nation.organisations[0]!.id).executeTakeFirst();
  if (first) throw new GenerateRefused(`This database already holds the national year for seed ${nation.seed} (organisation ${first.slug}). Use another seed or a fresh database.`);
  if (append) return;
  const demo = DEMO_ORGANISATIONS.map((o) => o.slug);
  const other = await db.kysely.selectFrom('organisation').select('slug').where('slug', 'not in', demo).orderBy('slug').limit(3).execute();
  if (other.length) {
    throw new GenerateRefused(
      `This database already has organisations that are not demo data (${other.map((o) => o.slug).join(', ')}${other.length === 3 ? ', …' : ''}). ` +
        'Generated data is never mixed in silently: use a fresh database, or --append to add it anyway.',
    );
  }
}

const ORGANISATIONS_PER_TRANSACTION = 500;
const ROWS_PER_STATEMENT = 5000;

export async function generateNational(db: Database, options: NationalOptions): Promise<NationalSummary> {
  const yearEnd = options.yearEnd ?? DEFAULT_YEAR_END;
  const end = Date.parse(`${yearEnd}T00:00:00Z`);
  const startDate = new Date(end);
  startDate.setUTCFullYear(startDate.getUTCFullYear() - 1);
  const start = startDate.getTime();

  const nation = buildNation(options);
  await checkDatabase(db, nation, options.append ?? false);
  const rows: Record<string, number> = {};
  const count = (table: string, n: number) => (rows[table] = (rows[table] ?? 0) + n);

  // Organisations and staff: set up a month before the year starts.
  const createdAt = new Date(start - 30 * 86_400_000).toISOString();
  const passwordHash = options.commissionerPassword ? await hashPassword(options.commissionerPassword) : null;
  const made = nationRows(nation, createdAt, passwordHash);
  const statements = new Map<string, string>();
  await db.inScope({ organisationId: null, userId: null }, async (tx) => {
    for (const table of ['organisation', 'app_user'] as const) {
      for (let i = 0; i < made[table].length; i += ROWS_PER_STATEMENT) await insertUnnest(tx, table, NATIONAL_TABLES[table], made[table].slice(i, i + ROWS_PER_STATEMENT), statements);
      count(table, made[table].length);
    }
  });
  const perOrganisation = [...made.byOrganisation.entries()];
  for (let i = 0; i < perOrganisation.length; i += ORGANISATIONS_PER_TRANSACTION) {
    await db.inScope({ organisationId: null, userId: null }, async (tx) => {
      for (const [organisationId, tables] of perOrganisation.slice(i, i + ORGANISATIONS_PER_TRANSACTION)) {
        await setScope(tx, { organisationId, userId: null });
        await insertUnnest(tx, 'programme', NATIONAL_TABLES.programme, tables.programme, statements);
        await insertUnnest(tx, 'membership', NATIONAL_TABLES.membership, tables.membership, statements);
        count('programme', tables.programme.length);
        count('membership', tables.membership.length);
      }
    });
  }

  // The year, one PCN service at a time.
  const terms = await termIds(db);
  const tally = newTally();
  const run = pipeline(options.seed);
  const context = { nation, options: { seed: options.seed, start, end }, terms, tally };
  let interrupted = false;
  for (const pcn of nation.pcns) {
    if (options.signal?.requested) {
      interrupted = true;
      break;
    }
    const sink = new RowSink();
    run({ pcn, referrals: [], services: [] }, sink, context);
    await db.inScope({ organisationId: pcn.org.id, userId: null }, (tx) => writeSink(tx, sink, statements, count));
    options.onProgress?.(pcn.index + 1, nation.pcns.length, tally.referrals);
  }

  // A bulk load leaves the planner without statistics until autovacuum comes round (on PGlite, never).
  await refreshStatistics(db);

  const byType: Record<string, number> = {};
  for (const o of nation.organisations) byType[o.type] = (byType[o.type] ?? 0) + 1;
  return {
    seed: options.seed,
    period: { from: new Date(start).toISOString().slice(0, 10), to: new Date(end - 86_400_000).toISOString().slice(0, 10) },
    rows: Object.fromEntries(Object.entries(rows).filter(([, n]) => n > 0)),
    organisations: byType,
    referrals: tally.referrals,
    redirectedIn: tally.redirectedIn,
    mdShare: tally.referrals ? tally.md / tally.referrals : 0,
    statuses: tally.statuses,
    sources: tally.sources,
    waits: { toAccept: percentiles(tally.toAccept), toFirstContact: percentiles(tally.toFirstContact) },
    offers: tally.offers,
    introductions: tally.introductions,
    measures: tally.measures,
    commissioners: nation.commissioners.map((c) => ({ organisation: c.org.name, email: c.user.email })),
    interrupted,
  };
}

/** Each organisation's rows in its own context, parents before children. */
async function writeSink(tx: Tx, sink: RowSink, statements: Map<string, string>, count: (table: string, n: number) => void): Promise<void> {
  for (const [organisationId, tables] of sink.byOrganisation) {
    await setScope(tx, { organisationId, userId: null });
    for (const table of TENANT_ORDER) {
      const rows = tables.get(table as TenantTable);
      if (!rows?.length) continue;
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) await insertUnnest(tx, table, TENANT_COLUMNS[table], rows.slice(i, i + ROWS_PER_STATEMENT), statements);
      count(table, rows.length);
    }
  }
}

/** Median and 90th percentile, in days to one decimal, of an hour histogram. */
export function percentiles(hours: ReadonlyMap<number, number>): { median: number; p90: number } | null {
  const total = [...hours.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const sorted = [...hours.entries()].sort((a, b) => a[0] - b[0]);
  const at = (q: number) => {
    let seen = 0;
    for (const [hour, n] of sorted) {
      seen += n;
      if (seen >= q * total) return Math.round(((hour + 0.5) / 24) * 10) / 10;
    }
    return Math.round(((sorted.at(-1)![0] + 0.5) / 24) * 10) / 10;
  };
  return { median: at(0.5), p90: at(0.9) };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The end summary: the same for the same seed and options, so two runs can be compared by eye or diff. */
export function summaryLines(s: NationalSummary): string[] {
  const offers = Object.values(s.offers).reduce((a, b) => a + b, 0);
  const lines = [
    `Synthetic national year, seed ${s.seed}: ${s.period.from} to ${s.period.to}${s.interrupted ? ' (stopped early)' : ''}`,
    '',
    'Organisations',
    ...Object.entries(s.organisations).sort().map(([type, n]) => `  ${type.padEnd(26)}${String(n).padStart(10)}`),
    '',
    'Rows written',
    ...Object.entries(s.rows).map(([table, n]) => `  ${table.padEnd(26)}${String(n).padStart(10)}`),
    '',
    `Referrals                   ${String(s.referrals).padStart(10)}  (${s.redirectedIn} passed on from another service)`,
    `  multiple disadvantage     ${pct(s.mdShare).padStart(10)}`,
    ...Object.entries(s.sources).sort((a, b) => b[1] - a[1]).map(([k, n]) => `  from ${k.padEnd(21)}${pct(n / Math.max(1, s.referrals - s.redirectedIn)).padStart(10)}`),
    'Status at the end of the year',
    ...Object.entries(s.statuses).sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${k.padEnd(26)}${pct(n / Math.max(1, s.referrals)).padStart(10)}`),
    'Waits (days)                  median       p90',
    s.waits.toAccept ? `  received to accepted      ${String(s.waits.toAccept.median).padStart(10)}${String(s.waits.toAccept.p90).padStart(10)}` : '  received to accepted      none',
    s.waits.toFirstContact ? `  received to first contact ${String(s.waits.toFirstContact.median).padStart(10)}${String(s.waits.toFirstContact.p90).padStart(10)}` : '  received to first contact none',
    `Offers                      ${String(offers).padStart(10)}`,
    ...Object.entries(s.offers).sort((a, b) => b[1] - a[1]).map(([k, n]) => `  now ${k.padEnd(22)}${pct(n / Math.max(1, offers)).padStart(10)}`),
    `  introductions accompanied ${pct(s.introductions.mdAccompanied / Math.max(1, s.introductions.md)).padStart(10)} (MD)  ${pct(s.introductions.othersAccompanied / Math.max(1, s.introductions.others))} (others)`,
    `Outcome measures            ${String(s.measures.baseline).padStart(10)} at baseline, ${s.measures.followUp} at follow-up, ${s.measures.declined} declined`,
  ];
  return lines;
}
