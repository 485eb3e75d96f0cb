import { describe, expect, it } from 'vitest';
import { SERVICE_ATTRIBUTES } from '../taxonomy.js';
import { DIRECTORY_TABLES, englandSectors, generateDirectory, TABLE_ORDER, type DirectoryBatch } from './generate.js';
import { createRandom, mulberry32 } from '../../../platform/generate/random.js';

const NEEDS = [
  'social-isolation', 'mental-wellbeing', 'physical-activity', 'money-and-debt', 'benefits', 'housing', 'employment', 'education-and-skills', 'food',
  'carers', 'drug-and-alcohol', 'domestic-abuse', 'legal', 'digital-skills', 'bereavement', 'arts-and-creativity', 'nature-and-green-space',
  'fuel-poverty', 'homelessness', 'volunteering',
];
const terms = {
  attributes: new Map(SERVICE_ATTRIBUTES.map((code) => [code, `attribute:${code}`])),
  needs: new Map(NEEDS.map((code) => [code, `need:${code}`])),
};
const ORG = '0b3c6f43-3d0f-4c5e-9a40-7e2a44c1f6a1';

function generate(count: number, seed = 1, organisationId = ORG): DirectoryBatch[] {
  return [...generateDirectory({ organisationId, count, seed, asOf: '2026-01-15', batchSize: 500 }, terms)];
}

describe('the directory generator', () => {
  it('gives the same rows for the same seed, and different rows for another seed or organisation', () => {
    expect(generate(300)).toEqual(generate(300));
    expect(generate(300, 2)[0]!.directory_service[0]).not.toEqual(generate(300, 1)[0]!.directory_service[0]);
    const other = generate(50, 1, '7d1e0a52-5a51-4f0e-8f7e-0c5b2d1f9e33')[0]!.directory_service.map((r) => r[1]);
    const ours = new Set(generate(50)[0]!.directory_service.map((r) => r[1]));
    expect(other.some((id) => ours.has(id))).toBe(false);
  });

  it('makes rows that fit their tables: one value per column, unique UUID-shaped ids, children pointing at parents', () => {
    const batches = generate(2000);
    const ids = new Set<string>();
    const services = new Set<string>();
    const locations = new Set<string>();
    const problems: string[] = [];
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const batch of batches) {
      for (const table of TABLE_ORDER) {
        for (const row of batch[table]) {
          const id = row[1] as string;
          if (row.length !== DIRECTORY_TABLES[table].length) problems.push(`${table} ${id}: ${row.length} values`);
          if (row[0] !== ORG) problems.push(`${table} ${id}: organisation ${row[0]}`);
          if (!UUID.test(id)) problems.push(`${table}: id ${id}`);
          if (ids.has(id)) problems.push(`${table}: id ${id} twice`);
          ids.add(id);
        }
      }
      for (const row of batch.directory_service) services.add(row[1] as string);
      for (const row of batch.directory_location) locations.add(row[1] as string);
      for (const row of batch.directory_service_at_location) {
        if (!services.has(row[2] as string) || !locations.has(row[3] as string)) problems.push(`service_at_location ${row[1]} points nowhere`);
      }
    }
    expect(problems).toEqual([]);
    expect(services.size).toBe(2000);
  });

  it('places services in England only, about 60% free, with needs from the needs taxonomy', () => {
    const batches = generate(3000);
    const sectors = englandSectors();
    expect(sectors.length).toBeGreaterThan(7000);
    expect(sectors.some((s) => /^(EH|G|CF|SA|LL|AB|NP)\d/.test(s.sector))).toBe(false);
    // England lies between about 49.9° and 55.8° N, 6.4° W and 1.8° E.
    for (const batch of batches) {
      for (const [, , , , latitude, longitude] of batch.directory_location) {
        expect(latitude as number).toBeGreaterThan(49.8);
        expect(latitude as number).toBeLessThan(55.9);
        expect(longitude as number).toBeGreaterThan(-6.5);
        expect(longitude as number).toBeLessThan(1.8);
      }
    }
    const attributes = batches.flatMap((b) => b.directory_attribute);
    const costs = batches.flatMap((b) => b.directory_cost_option);
    const free = new Set([
      ...attributes.filter((a) => a[5] === 'attribute:free').map((a) => a[2]),
      ...costs.filter((c) => c[5] === 0).map((c) => c[2]),
    ]);
    const paid = new Set(costs.filter((c) => c[5] !== 0).map((c) => c[2]));
    expect([...free].some((id) => paid.has(id))).toBe(false);
    expect(free.size / 3000).toBeGreaterThan(0.5);
    expect(free.size / 3000).toBeLessThan(0.7);
    const needs = attributes.filter((a) => String(a[5]).startsWith('need:'));
    expect(needs.length / 3000).toBeGreaterThan(1.2);
  });
});

describe('mulberry32', () => {
  it('is deterministic and spread over [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((x, y) => x + y, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
    const random = createRandom(7);
    expect(random.sample([1, 2, 3, 4, 5], 3)).toHaveLength(3);
    expect(new Set(random.sample([1, 2, 3, 4, 5], 5)).size).toBe(5);
  });
});
