import { performance } from 'node:perf_hooks';

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

export function row(label: string, t: Timing): string {
  return `${label.padEnd(44)} ${t.perSecond.toFixed(0).padStart(7)}/s   p50 ${t.p50.toFixed(2).padStart(6)} ms   p95 ${t.p95.toFixed(2).padStart(6)} ms`;
}

/** PostgreSQL for benchmarks: BENCH_DATABASE_URL, or the throwaway cluster `bash .ci/run npm run bench` starts. */
export function benchPostgres(): { databaseUrl: string; migrationDatabaseUrl: string } | null {
  const databaseUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!databaseUrl) return null;
  return { databaseUrl, migrationDatabaseUrl: process.env.BENCH_MIGRATION_DATABASE_URL || process.env.TEST_MIGRATION_DATABASE_URL || databaseUrl };
}
