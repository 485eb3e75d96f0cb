import { describe, expect, it } from 'vitest';
import { chartInputFor, chartSvg, describeChart, niceMax, type ChartInput } from './chart.js';
import type { Figure } from './model.js';

const bars: ChartInput = {
  id: 'chart-needs',
  title: 'Referrals by need',
  type: 'bar',
  categories: ['Loneliness or social isolation', 'Money & debt', 'Housing'],
  series: [{ label: 'Referrals', kind: 'count', values: [40, null, 0] }],
};

const months: ChartInput = {
  id: 'chart-months',
  title: 'Referrals by month',
  type: 'line',
  categories: ['Jan 2026', 'Feb 2026', 'Mar 2026', 'Apr 2026'],
  series: [
    { label: 'Referrals', kind: 'count', values: [10, 20, null, 30] },
    { label: 'Self-referrals', kind: 'count', values: [5, 6, 7, 8] },
  ],
};

describe('report charts', () => {
  it('is an image labelled by a title and a description giving every value, suppressed ones in words', () => {
    const svg = chartSvg(bars);
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="chart-needs-title chart-needs-desc"/);
    expect(describeChart(bars)).toBe('Bar chart: Referrals by need (Referrals). Loneliness or social isolation: 40; Money & debt: fewer than 5; Housing: 0.');
    expect(svg).toContain('<desc id="chart-needs-desc">Bar chart: Referrals by need (Referrals). Loneliness or social isolation: 40; Money &amp; debt: fewer than 5;');
  });

  it('draws a bar per drawn value, longer for larger, and writes "fewer than 5" instead of a suppressed bar', () => {
    const svg = chartSvg(bars);
    const widths = [...svg.matchAll(/<rect x="0" y="\d+" width="([\d.]+)" height="18"/g)].map((m) => Number(m[1]));
    expect(widths).toEqual([400, 0]); // 40 on a scale to 50, 500 wide
    expect(svg).toContain('font-style="italic" fill="#212b32">fewer than 5</text>');
    expect(svg).toContain('Values of fewer than 5 are not drawn.');
    expect(chartSvg({ ...bars, series: [{ ...bars.series[0]!, values: [40, 8, 0] }] })).not.toContain('are not drawn');
  });

  it('tells series apart by pattern, dash and marker as well as colour, with a legend', () => {
    const svg = chartSvg(months);
    expect(svg).toContain('<pattern id="chart-months-p1"');
    expect(svg).toContain('stroke-dasharray="10 5"');
    expect(svg.match(/<circle /g)!.length).toBeGreaterThanOrEqual(3);
    expect(svg).toContain('>Self-referrals</text>');
    expect(chartSvg(bars)).not.toContain('>Referrals</text>'); // one series needs no legend
    const grouped = chartSvg({ ...bars, series: [bars.series[0]!, { label: 'Urgent', kind: 'count', values: [3, 2, 1] }] });
    expect(grouped).toContain('fill="url(#chart-needs-p1)"');
  });

  it('breaks the line at a suppressed month rather than drawing through it', () => {
    const svg = chartSvg(months);
    const blue = [...svg.matchAll(/<path d="([^"]+)" fill="none" stroke="#005eb8"/g)].map((m) => m[1]!);
    expect(blue).toHaveLength(2);
    expect(blue[0]!.split('L')).toHaveLength(2); // Jan to Feb
    expect(blue[1]!.startsWith('M')).toBe(true); // Apr alone
    expect(svg).toContain('Values of fewer than 5 are not drawn.');
  });

  it('escapes category names', () => {
    const svg = chartSvg({ ...bars, categories: ['<script>alert(1)</script>', 'b', 'c'] });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('rounds the scale up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 40, 101, 1999].map(niceMax)).toEqual([1, 1, 5, 10, 50, 200, 2000]);
  });

  it('takes the categories and series from a figure’s table, at most three', () => {
    const figure: Figure = {
      id: 'by-need',
      title: 'Referrals by need',
      summary: '',
      chart: { type: 'bar', category: 'need', series: ['a', 'b', 'c', 'd'] },
      table: {
        columns: [
          { key: 'need', label: 'Need', kind: 'text' },
          ...['a', 'b', 'c', 'd'].map((key) => ({ key, label: key.toUpperCase(), kind: 'count' as const })),
        ],
        rows: [{ need: 'Housing', a: 1, b: null, c: 3, d: 4 }],
      },
    };
    const input = chartInputFor(figure, 'referrals')!;
    expect(input.id).toBe('referrals-by-need');
    expect(input.categories).toEqual(['Housing']);
    expect(input.series.map((s) => [s.label, s.values])).toEqual([['A', [1]], ['B', [null]], ['C', [3]]]);
    expect(chartInputFor({ ...figure, chart: undefined })).toBeNull();
  });
});
