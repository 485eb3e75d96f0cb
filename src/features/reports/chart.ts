import { escapeXml, SVG_COLOURS } from '../../platform/views/svg.js';
import { formatCell } from './format.js';
import type { Cell, ColumnKind, Figure } from './model.js';
import { SUPPRESSED_TEXT } from './suppression.js';

/**
 * A figure's chart as server-rendered SVG: horizontal bars for categories (room for long names) and
 * a line for months. At most three series, told apart by colour AND by pattern (bars) or dash and
 * marker shape (lines), with a legend naming each; never by colour alone. Each SVG is an image with
 * a title and a description giving every value, and the page shows the same numbers in a table.
 * A suppressed value is not drawn: its place says "fewer than 5".
 */

export interface ChartSeries {
  label: string;
  kind: ColumnKind;
  /** One per category: a number, null where suppressed, or words where there is no number. */
  values: Cell[];
}

export interface ChartInput {
  id: string;
  title: string;
  type: 'bar' | 'line';
  categories: string[];
  series: ChartSeries[];
}

const WIDTH = 640;
const TEXT = SVG_COLOURS.text;
const GRID = SVG_COLOURS.grid;
const FONT = 'font-family="Frutiger W01, Arial, sans-serif"';

/** The chart a figure declares, from its table's columns; null for a table-only figure. */
export function chartInputFor(figure: Figure, idPrefix = 'chart'): ChartInput | null {
  const chart = figure.chart;
  if (!chart) return null;
  const columns = new Map(figure.table.columns.map((c) => [c.key, c]));
  return {
    id: `${idPrefix}-${figure.id}`,
    title: figure.title,
    type: chart.type,
    categories: figure.table.rows.map((row) => String(row[chart.category] ?? '')),
    series: chart.series.slice(0, 3).map((key) => ({
      label: columns.get(key)?.label ?? key,
      kind: columns.get(key)?.kind ?? 'count',
      values: figure.table.rows.map((row) => row[key] ?? null),
    })),
  };
}

const drawn = (value: Cell): value is number => typeof value === 'number';

/** A round upper end for the scale: 1, 2 or 5 times a power of ten. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** The text alternative: every value, in words, suppressed ones as "fewer than 5". */
export function describeChart(input: ChartInput): string {
  const kind = input.type === 'bar' ? 'Bar chart' : 'Line chart';
  if (input.categories.length === 0) return `${kind}: ${input.title}. There is nothing to show for these filters.`;
  const single = input.series.length === 1;
  const parts = input.categories.map((category, i) => {
    const values = input.series.map((s) => (single ? formatCell(s.values[i]!, s.kind) : `${s.label} ${formatCell(s.values[i]!, s.kind)}`));
    return `${category}: ${values.join(', ')}`;
  });
  const of = single ? ` (${input.series[0]!.label})` : '';
  return `${kind}: ${input.title}${of}. ${parts.join('; ')}.`;
}

function patternDefs(id: string, count: number): string {
  const [blue, pink, green] = SVG_COLOURS.series;
  const defs = [
    `<pattern id="${id}-p0" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="${blue}"/></pattern>`,
    `<pattern id="${id}-p1" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="8" height="8" fill="${pink}"/><rect width="3" height="8" fill="#ffffff"/></pattern>`,
    `<pattern id="${id}-p2" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="${green}"/><circle cx="4" cy="4" r="1.8" fill="#ffffff"/></pattern>`,
  ];
  return `<defs>${defs.slice(0, count).join('')}</defs>`;
}

const DASHES = ['', ' stroke-dasharray="10 5"', ' stroke-dasharray="3 4"'];

function marker(index: number, x: number, y: number, colour: string): string {
  if (index === 1) return `<rect x="${(x - 5).toFixed(1)}" y="${(y - 5).toFixed(1)}" width="10" height="10" fill="${colour}"/>`;
  if (index === 2) return `<path d="M${x.toFixed(1)},${(y - 6).toFixed(1)} L${(x + 6).toFixed(1)},${(y + 5).toFixed(1)} L${(x - 6).toFixed(1)},${(y + 5).toFixed(1)} Z" fill="${colour}"/>`;
  return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="5" fill="${colour}"/>`;
}

/** A legend row naming each series beside its swatch (pattern for bars, dash and marker for lines). */
function legend(input: ChartInput, y: number): string {
  if (input.series.length < 2) return '';
  let x = 0;
  return input.series
    .map((s, i) => {
      const colour = SVG_COLOURS.series[i]!;
      const swatch =
        input.type === 'bar'
          ? `<rect x="${x}" y="${y - 12}" width="24" height="14" fill="url(#${input.id}-p${i})" stroke="${colour}"/>`
          : `<line x1="${x}" x2="${x + 24}" y1="${y - 5}" y2="${y - 5}" stroke="${colour}" stroke-width="3"${DASHES[i]}/>${marker(i, x + 12, y - 5, colour)}`;
      const text = `<text x="${x + 30}" y="${y}" font-size="14" fill="${TEXT}">${escapeXml(s.label)}</text>`;
      x += 30 + s.label.length * 8 + 24;
      return swatch + text;
    })
    .join('');
}

function svgOpen(input: ChartInput, height: number): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-labelledby="${input.id}-title ${input.id}-desc" focusable="false" ${FONT}>`,
    `<title id="${input.id}-title">${escapeXml(input.title)}</title>`,
    `<desc id="${input.id}-desc">${escapeXml(describeChart(input))}</desc>`,
    patternDefs(input.id, input.series.length),
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
  ];
}

const hasSuppressed = (input: ChartInput) => input.series.some((s) => s.values.some((v) => v === null));
const NOTE = `Values of ${SUPPRESSED_TEXT} are not drawn.`;

function barChart(input: ChartInput): string {
  const barHeight = 18;
  const labelHeight = 22;
  const groupHeight = labelHeight + input.series.length * (barHeight + 4) + 12;
  const top = input.series.length > 1 ? 30 : 6;
  const note = hasSuppressed(input);
  const height = top + Math.max(1, input.categories.length) * groupHeight + (note ? 28 : 4);
  const maxValue = niceMax(Math.max(0, ...input.series.flatMap((s) => s.values.filter(drawn))));
  const barSpace = WIDTH - 140;
  const parts = svgOpen(input, height);
  parts.push(legend(input, 18));
  if (input.categories.length === 0) parts.push(`<text x="0" y="${top + 20}" font-size="15" fill="${TEXT}">Nothing to show for these filters.</text>`);
  input.categories.forEach((category, c) => {
    const y0 = top + c * groupHeight;
    parts.push(`<text x="0" y="${y0 + 16}" font-size="15" font-weight="bold" fill="${TEXT}">${escapeXml(category)}</text>`);
    input.series.forEach((s, i) => {
      const value = s.values[c] ?? null;
      const y = y0 + labelHeight + i * (barHeight + 4);
      if (drawn(value)) {
        const width = Math.max(value > 0 ? 2 : 0, (value / maxValue) * barSpace);
        parts.push(
          `<rect x="0" y="${y}" width="${width.toFixed(1)}" height="${barHeight}" fill="url(#${input.id}-p${i})" stroke="${SVG_COLOURS.series[i]}"/>`,
          `<text x="${(width + 6).toFixed(1)}" y="${y + 14}" font-size="14" fill="${TEXT}">${escapeXml(formatCell(value, s.kind))}${input.series.length > 1 ? ` ${escapeXml(s.label.toLowerCase())}` : ''}</text>`,
        );
      } else {
        const words = input.series.length > 1 ? `${formatCell(value, s.kind)} (${s.label.toLowerCase()})` : formatCell(value, s.kind);
        parts.push(`<text x="0" y="${y + 14}" font-size="14" font-style="italic" fill="${TEXT}">${escapeXml(words)}</text>`);
      }
    });
  });
  if (note) parts.push(`<text x="0" y="${height - 8}" font-size="14" fill="${TEXT}">${NOTE}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

function lineChart(input: ChartInput): string {
  const left = 56;
  const right = 16;
  const top = input.series.length > 1 ? 40 : 16;
  const plotHeight = 200;
  const note = hasSuppressed(input);
  const height = top + plotHeight + 40 + (note ? 24 : 0);
  const maxValue = niceMax(Math.max(0, ...input.series.flatMap((s) => s.values.filter(drawn))));
  const count = input.categories.length;
  const plotWidth = WIDTH - left - right;
  const x = (i: number) => (count <= 1 ? left + plotWidth / 2 : left + (i / (count - 1)) * plotWidth);
  const y = (value: number) => top + plotHeight - (value / maxValue) * plotHeight;
  const parts = svgOpen(input, height);
  parts.push(legend(input, 20));
  for (const tick of [0, maxValue / 2, maxValue]) {
    parts.push(
      `<line x1="${left}" x2="${WIDTH - right}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="${GRID}" stroke-width="1"/>`,
      `<text x="${left - 8}" y="${(y(tick) + 5).toFixed(1)}" font-size="14" text-anchor="end" fill="${TEXT}">${escapeXml(tick.toLocaleString('en-GB', { maximumFractionDigits: 1 }))}</text>`,
    );
  }
  // Label every month when they fit, else every second, third...
  const every = Math.max(1, Math.ceil(count / 12));
  input.categories.forEach((category, i) => {
    if (i % every === 0) {
      parts.push(`<text x="${x(i).toFixed(1)}" y="${top + plotHeight + 22}" font-size="13" text-anchor="middle" fill="${TEXT}">${escapeXml(category)}</text>`);
    }
  });
  input.series.forEach((s, i) => {
    const colour = SVG_COLOURS.series[i]!;
    // The line breaks where a value is not drawn, so no one reads a trend through a suppressed month.
    const segments: string[] = [];
    let current: string[] = [];
    s.values.forEach((value, c) => {
      if (drawn(value)) current.push(`${current.length === 0 ? 'M' : 'L'}${x(c).toFixed(1)},${y(value).toFixed(1)}`);
      else if (current.length) {
        segments.push(current.join(' '));
        current = [];
      }
    });
    if (current.length) segments.push(current.join(' '));
    for (const d of segments) parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="3"${DASHES[i]}/>`);
    s.values.forEach((value, c) => {
      if (drawn(value)) parts.push(marker(i, x(c), y(value), colour));
    });
  });
  if (note) parts.push(`<text x="${left}" y="${height - 8}" font-size="14" fill="${TEXT}">${NOTE}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

export function chartSvg(input: ChartInput): string {
  return input.type === 'bar' ? barChart(input) : lineChart(input);
}
