import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linkwork } from '../../test/support/cli.js';
import { buildTestReferral } from '../../test/support/outcomes.js';
import { openDatabase } from '../platform/db/database.js';
import { createServices } from '../services.js';

/**
 * `linkwork import gp-attendance` and `linkwork export outcomes` as people run them, on an embedded
 * database prepared in-process with a case, programme settings and recorded measures.
 */
const SLOW = 180_000;

describe.skipIf(process.env.LINKWORK_TEST_BACKEND === 'postgresql')('linkwork outcomes commands', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'linkwork-outcomes-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('imports GP attendance from CSV and exports outcomes with pseudonyms only', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir });
    let slug: string;
    try {
      await db.migrate();
      const services = createServices(db, { sessionSecret: 'x'.repeat(40), sessionIdleMinutes: 30, sessionAbsoluteHours: 12 });
      const world = await buildTestReferral(services, { nhsNumber: '9990000018' });
      slug = world.service.slug;
      await services.outcomes.setProgrammeSettings(world.admin, world.programmeId, { measures: [], gpAttendance: true, uclaLonelyFrom: null });
      await services.outcomes.record(world.linkWorker, world.caseId, { measure: 'ndt', timepoint: 'baseline', completedOn: '2026-01-06', answers: [2, 2, 2, 2, 2, 2, 2, 2, 2, 2] });
      await services.outcomes.record(world.linkWorker, world.caseId, { measure: 'ons4', timepoint: 'baseline', completedOn: '2026-01-06', declined: true });
    } finally {
      await db.close();
    }

    const file = path.join(dataDir, 'gp.csv');
    writeFileSync(file, 'NHS number,period,count\n999 000 0018,before,7\n9990000018,after,3\n9990000026,after,1\n');
    const imported = await linkwork(dataDir, ['import', 'gp-attendance', file, '--org', slug]);
    expect(imported.stdout).toContain('2 imported, 1 rejected');
    expect(imported.stdout).toContain('line 4: no case for this person in this organisation');
    expect(imported.code).toBe(1);

    const exported = await linkwork(dataDir, ['export', 'outcomes', '--from', '2026-01-01', '--to', '2099-12-31', '--org', slug]);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    const lines = exported.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe('person,kind,code,date,timepoint,declined,answers,score,item_scores,snomed_code');
    const person = lines[1]!.split(',')[0]!;
    expect(person).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(lines.slice(1).every((line) => line.startsWith(`${person},`))).toBe(true);
    expect(lines).toContain(`${person},measure,ndt,2026-01-06,baseline,no,2;2;2;2;2;2;2;2;2;2,24,engagement=2;intentional-self-harm=2;unintentional-self-harm=2;risk-to-others=4;risk-from-others=4;stress-and-anxiety=2;social-effectiveness=2;alcohol-drug-misuse=2;impulse-control=2;housing=2,`);
    expect(lines).toContain(`${person},measure,ons4,2026-01-06,baseline,yes,,,,`);
    expect(lines.some((line) => line.includes(',referral-event,accept,') && line.endsWith(',871731000000106'))).toBe(true);
    expect(lines.filter((line) => line.includes(',gp-attendance,')).map((line) => line.split(',').slice(4, 8).join(','))).toEqual(['before,,,7', 'after,,,3']);
    expect(exported.stdout).not.toMatch(/Sam|Taylor|9990000018/);

    const again = await linkwork(dataDir, ['export', 'outcomes', '--from', '2026-01-01', '--to', '2099-12-31', '--org', slug]);
    expect(again.stdout.split('\r\n')[1]!.split(',')[0]).toBe(person); // the same person, the same pseudonym

    const bad = await linkwork(dataDir, ['export', 'outcomes', '--from', '2026-13-01', '--to', '2026-01-01', '--org', slug]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('linkwork: from: Enter a real date as YYYY-MM-DD');
  }, SLOW);
});
