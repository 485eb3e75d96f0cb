import { describe, expect, it } from 'vitest';
import { chartSvg, describeChart } from './chart.js';

const input = {
  id: 'chart-ndt',
  title: 'NDT assessment total',
  min: 0,
  max: 48,
  direction: 'lower-is-better' as const,
  points: [
    { date: '2026-01-05', value: 30, label: 'Baseline' },
    { date: '2026-04-05', value: 18, label: 'Review' },
  ],
};

describe('outcome charts', () => {
  it('is an image labelled by a title and a description naming every point and the direction', () => {
    const svg = chartSvg(input);
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-labelledby="chart-ndt-title chart-ndt-desc"/);
    expect(describeChart(input)).toBe('NDT assessment total, from 0 to 48. Lower is better. 30 on 5 Jan 2026 (baseline), 18 on 5 Apr 2026 (review).');
    expect(svg).toContain('<desc id="chart-ndt-desc">NDT assessment total, from 0 to 48. Lower is better.');
    expect(svg).toContain('↓ Lower is better');
  });

  it('draws one point per score, joined by a line, higher values higher up', () => {
    const svg = chartSvg(input);
    expect(svg.match(/<circle /g)).toHaveLength(2);
    expect(svg).toContain('<path d="M');
    const ys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(ys[0]).toBeLessThan(ys[1]!); // 30 sits above 18
    expect(chartSvg({ ...input, points: [input.points[0]!] })).not.toContain('<path');
  });

  it('escapes text from administrator-defined measures', () => {
    const svg = chartSvg({ ...input, title: 'Star <script>alert(1)</script> & "more"' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('Star &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;');
  });
});
