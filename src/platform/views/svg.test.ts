import { describe, expect, it } from 'vitest';
import { escapeXml, shortDate, shortMonth } from './svg.js';

describe('SVG helpers', () => {
  it('escapes markup in text', () => {
    expect(escapeXml(`<a href="x">Tom's & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom&#39;s &amp; Jerry&#39;s&lt;/a&gt;');
  });

  it('writes dates and months as calendar days and months', () => {
    expect(shortDate('2026-12-31')).toBe('31 Dec 2026');
    expect(shortMonth('2026-01')).toBe('Jan 2026');
  });
});
