import { describe, expect, it } from 'vitest';
import { GpFileProblem, outcomesCsv, parseGpAttendanceCsv } from './csv.js';

describe('outcomes CSV', () => {
  it('writes a header and one quoted-where-needed line per row', () => {
    const csv = outcomesCsv([
      { person: 'abc', kind: 'measure', code: 'ons4', date: '2026-01-05', timepoint: 'baseline', declined: 'no', answers: '4;5;;7', score: '', itemScores: 'a=4', snomedCode: '' },
      { person: 'abc', kind: 'measure', code: '=cmd,x', date: '2026-01-05', timepoint: 'review', declined: 'no', answers: '', score: '-3', itemScores: 'say "hi"', snomedCode: '' },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'person,kind,code,date,timepoint,declined,answers,score,item_scores,snomed_code',
      'abc,measure,ons4,2026-01-05,baseline,no,4;5;;7,,a=4,',
      `abc,measure,"'=cmd,x",2026-01-05,review,no,,-3,"say ""hi""",`,
      '',
    ]);
  });
});

describe('GP attendance CSV', () => {
  it('finds its columns by header, whatever their spelling and order', () => {
    expect(parseGpAttendanceCsv('\uFEFFPeriod,NHS Number,Count,notes\nbefore,999 000 0018,4,x\n\nafter,9990000018,1\n')).toEqual([
      { line: 2, nhsNumber: '999 000 0018', personId: undefined, period: 'before', count: '4' },
      { line: 4, nhsNumber: '9990000018', personId: undefined, period: 'after', count: '1' },
    ]);
    expect(parseGpAttendanceCsv('person_id,period,count\nabc,after,2\n')[0]).toMatchObject({ personId: 'abc', nhsNumber: undefined });
  });

  it('says which columns are missing', () => {
    expect(() => parseGpAttendanceCsv('name,when\nx,y\n')).toThrow(new GpFileProblem('The header row needs nhs_number or person_id, period, count (found: name, when)'));
    expect(() => parseGpAttendanceCsv('')).toThrow(GpFileProblem);
  });
});
