import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../../../../test/support/db.js';
import { ensurePostcodeCentroids, readCentroidFile } from './centroids.js';
import { lookupPostcode } from './lookup.js';
import { importPostcodes, PostcodeFileProblem } from './postcodes-import.js';

const dir = mkdtempSync(path.join(tmpdir(), 'linkwork-postcodes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// An NSPL-shaped file: real column names (a subset), made-up rows in Shetland (ZE1) and Scilly (TR21).
const NSPL = [
  'pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,oa21,cty,ctry,lat,long,imd',
  'ZE1 0LR,ZE1  0LR,ZE1 0LR,198001,,0,447500,1141200,1,S00000001,S99999999,S92000003,60.153210,-1.146520,100',
  'ZE1 0LS,ZE1  0LS,ZE1 0LS,198001,202012,0,447510,1141210,1,S00000001,S99999999,S92000003,60.153300,-1.146600,100',
  'ZE1 0LT,ZE1  0LT,ZE1 0LT,198001,,0,,,9,S00000001,S99999999,S92000003,99.999999,0.000000,100',
  'ZE1 0QZ,ZE1  0QZ,ZE1 0QZ,198001,,0,447520,1141220,1,S00000001,S99999999,S92000003,60.153400,-1.146700,100',
  'TR210PR,TR21 0PR,TR21 0PR,198001,,0,90900,10500,1,E00000001,E99999999,E92000001,49.914000,-6.315000,200',
].join('\n');

describe('postcode centroids', () => {
  beforeAll(async () => {
    await ensurePostcodeCentroids(await testDatabase());
  }, 60_000);

  it('ships sector and district centroids and loads them once', async () => {
    const db = await testDatabase();
    const counts = await db.kysely
      .selectFrom('postcodeCentroid')
      .select(({ fn }) => ['kind', fn.countAll<number>().as('n')])
      .where('kind', 'in', ['sector', 'district'])
      .groupBy('kind')
      .execute();
    const byKind = Object.fromEntries(counts.map((c) => [c.kind, Number(c.n)]));
    expect(byKind).toEqual({ sector: readCentroidFile('sector').length, district: readCentroidFile('district').length });
    expect(byKind.sector).toBeGreaterThan(12_000);
    expect(byKind.district).toBeGreaterThan(2_900);
    const started = performance.now();
    expect(await ensurePostcodeCentroids(db)).toEqual({ loaded: 0 });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('imports unit postcodes from an NSPL file, skipping terminated rows, rows without coordinates and bad postcodes', async () => {
    const file = path.join(dir, 'nspl.csv');
    writeFileSync(file, NSPL + '\nnot-a-postcode,,,198001,,0,1,1,1,x,x,x,50.1,-1.1,1\n');
    const summary = await importPostcodes(await testDatabase(), file);
    expect(summary).toMatchObject({ read: 6, imported: 3, terminated: 1, withoutCoordinates: 1, invalidPostcode: 1 });
    expect(summary.columns).toEqual({ postcode: 'pcds', latitude: 'lat', longitude: 'long', terminated: 'doterm' });
    const db = await testDatabase();
    expect(await lookupPostcode(db, 'ze10lr')).toEqual({ postcode: 'ZE1 0LR', latitude: 60.15321, longitude: -1.14652, precision: 'unit' });
    expect(await lookupPostcode(db, 'TR21 0PR')).toMatchObject({ precision: 'unit', latitude: 49.914 });
    // Terminated: not loaded as a unit, so the look-up falls back to its sector.
    expect(await lookupPostcode(db, 'ZE1 0LS')).toMatchObject({ postcode: 'ZE1 0', precision: 'sector' });

    // Importing again updates in place (an upsert), and a new file can move a point.
    writeFileSync(file, NSPL.replace('60.153210,-1.146520', '60.160000,-1.150000'));
    expect(await importPostcodes(db, file)).toMatchObject({ imported: 3 });
    expect(await lookupPostcode(db, 'ZE1 0LR')).toMatchObject({ latitude: 60.16, longitude: -1.15, precision: 'unit' });
  });

  it('finds a postcode by its sector, then its district, when finer data is missing', async () => {
    const db = await testDatabase();
    const sector = await lookupPostcode(db, 'dn15 6xx');
    expect(sector).toMatchObject({ postcode: 'DN15 6', precision: 'sector' });
    expect(sector!.latitude).toBeCloseTo(53.6, 0);
    // There is no sector "E3 7" in the shipped data: the district E3 answers.
    expect(await lookupPostcode(db, 'E3 7XY')).toEqual({ postcode: 'E3', latitude: 51.52822, longitude: -0.02557, precision: 'district' });
    expect(await lookupPostcode(db, 'E3')).toMatchObject({ precision: 'district' });
    expect(await lookupPostcode(db, 'BS5 6')).toMatchObject({ postcode: 'BS5 6', precision: 'sector' });
    expect(await lookupPostcode(db, 'XX1 1XX')).toBeUndefined();
    expect(await lookupPostcode(db, 'hello')).toBeUndefined();
  });

  it('refuses a file without the columns it needs, naming them', async () => {
    const file = path.join(dir, 'wrong.csv');
    writeFileSync(file, 'postcode_sector,x,y\nBS5 6,1,2\n');
    await expect(importPostcodes(await testDatabase(), file)).rejects.toThrow(PostcodeFileProblem);
    await expect(importPostcodes(await testDatabase(), file)).rejects.toThrow(/has no column for a postcode \(pcds, pcd, .*\), nor latitude \(lat, latitude\), nor longitude \(long, longitude, lng, lon\)/);
  });
});
