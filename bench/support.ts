import { performance } from 'node:perf_hooks';
import type { CompiledQuery, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { setScope, type Database } from '../src/platform/db/database.js';

export interface Timing {
  perSecond: number;
  p50: number;
  p95: number;
}

/** Runs `work` sequentially `count` times after a warm-up; reports throughput and latency percentiles (ms). */
export async function measure(count: number, work: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < Math.min(50, count); i++) await work();
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await work();
    samples.push(performance.now() - t);
  }
  const total = performance.now() - started;
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { perSecond: (count / total) * 1000, p50: at(0.5), p95: at(0.95) };
}

/**
 * Like measure(), for several pieces of work taking turns, request by request (in a rotating order),
 * each timed on its own: load from anything else on the machine then falls on all of them alike.
 */
export async function measureTogether<K extends string>(count: number, works: Record<K, () => Promise<unknown>>): Promise<Record<K, Timing>> {
  const names = Object.keys(works) as K[];
  for (let i = 0; i < Math.min(50, count); i++) for (const name of names) await works[name]();
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(i + k) % names.length]!;
      const t = performance.now();
      await works[name]();
      samples[name].push(performance.now() - t);
    }
  }
  return Object.fromEntries(
    names.map((name): [K, Timing] => {
      const list = samples[name].sort((a, b) => a - b);
      const at = (q: number) => list[Math.min(list.length - 1, Math.floor(q * list.length))]!;
      return [name, { perSecond: (count / list.reduce((a, b) => a + b, 0)) * 1000, p50: at(0.5), p95: at(0.95) }];
    }),
  ) as Record<K, Timing>;
}

export function row(label: string, t: Timing): string {
  return `${label.padEnd(44)} ${t.perSecond.toFixed(0).padStart(7)}/s   p50 ${t.p50.toFixed(2).padStart(6)} ms   p95 ${t.p95.toFixed(2).padStart(6)} ms`;
}

/** PostgreSQL for benchmarks: BENCH_DATABASE_URL, or the throwaway cluster `bash .ci/run npm run bench` starts. */
export function benchPostgres(): { databaseUrl: string; migrationDatabaseUrl: string } | null {
  const databaseUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!databaseUrl) return null;
  return { databaseUrl, migrationDatabaseUrl: process.env.BENCH_MIGRATION_DATABASE_URL || process.env.TEST_MIGRATION_DATABASE_URL || databaseUrl };
}

/**
 * Records every statement Kysely compiles (builders and sql`` alike), as the SQL text and parameters
 * sent to the database: added after the app's own plugins, so it sees the node they produced.
 */
export class CaptureStatements implements KyselyPlugin {
  statements: CompiledQuery[] = [];
  compile: ((node: RootOperationNode, queryId: PluginTransformQueryArgs['queryId']) => CompiledQuery) | null = null;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.compile) this.statements.push(this.compile(args.node, args.queryId));
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** The same database, every statement recorded: for one request's worth of capture, not for timing. */
export function capturing(db: Database, capture: CaptureStatements): Database {
  const kysely = db.kysely.withPlugin(capture);
  capture.compile = (node, queryId) => db.kysely.getExecutor().compileQuery(node, queryId);
  return {
    ...db,
    kysely,
    inScope: (scope, work) =>
      kysely.transaction().execute(async (tx) => {
        await setScope(tx, scope);
        return work(tx);
      }),
  };
}
