import { hash32 } from './random.js';

const pad = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * Ids for generated rows: UUID-shaped (version 8, "custom"), a prefix from the seed and a namespace
 * (the curating organisation, or a generator's name), then the table and a counter. Unique across
 * namespaces and seeds, the same on every run, and in ascending order as they are made.
 */
export function idMaker(seed: number, namespace: string): (table: number, n: number) => string {
  const a = hash32(`${seed}:${namespace}:a`);
  const b = hash32(`${seed}:${namespace}:b`);
  const head = `${pad(a, 8)}-${pad(b >>> 16, 4)}-8${pad(b & 0xfff, 3)}`;
  return (table, n) => `${head}-${pad(0x8000 | table, 4)}-${pad(n, 12)}`;
}
