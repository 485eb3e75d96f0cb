import { describe, expect, it } from 'vitest';
import { NotFound } from '../../platform/errors.js';
import { csvFilename, dashboardCsv } from './csv.js';
import type { Dashboard } from './model.js';

const dashboard: Dashboard = {
  name: 'referrals',
  title: 'Referrals',
  description: '',
  filters: { from: '2026-01-01', to: '2026-03-31', serviceId: null, practiceId: null, cohort: 'all' },
  headlines: [],
  figures: [
    {
      id: 'by-month',
      title: 'Referrals by month',
      summary: '',
      table: {
        columns: [
          { key: 'month', label: 'Month', kind: 'text' },
          { key: 'referrals', label: 'Referrals', kind: 'count' },
        ],
        rows: [{ month: 'Jan 2026', referrals: 1204 }, { month: 'Feb 2026', referrals: null }],
      },
    },
    {
      id: 'by-need',
      title: 'Referrals by need',
      summary: '',
      table: {
        columns: [
          { key: 'need', label: 'Need', kind: 'text' },
          { key: 'referrals', label: 'Referrals', kind: 'count' },
          { key: 'share', label: 'Share', kind: 'percent' },
        ],
        rows: [{ need: '=Money, "debt"', referrals: 7, share: 12.5 }],
      },
    },
  ],
};

describe('report CSV', () => {
  it('writes one figure’s table as it is, suppressed cells as "fewer than 5" and numbers plain', () => {
    expect(dashboardCsv(dashboard, 'by-month')).toBe('Month,Referrals\r\nJan 2026,1204\r\nFeb 2026,fewer than 5\r\n');
  });

  it('writes every figure in one sheet, the figure first, with every figure’s columns', () => {
    expect(dashboardCsv(dashboard)).toBe(
      'figure,Month,Referrals,Need,Share\r\nby-month,Jan 2026,1204,,\r\nby-month,Feb 2026,fewer than 5,,\r\nby-need,,7,"\'=Money, ""debt""",12.5\r\n',
    );
  });

  it('refuses a figure the dashboard does not have, and names the file by dashboard, period and figure', () => {
    expect(() => dashboardCsv(dashboard, 'nope')).toThrow(NotFound);
    expect(csvFilename(dashboard)).toBe('linkwork-referrals-2026-01-01-to-2026-03-31.csv');
    expect(csvFilename(dashboard, 'by-month')).toBe('linkwork-referrals-2026-01-01-to-2026-03-31-by-month.csv');
  });
});
