import { escapeXml, shortDate, SVG_COLOURS } from '../../platform/views/svg.js';
import { DIRECTION_TEXT, type Direction } from './measures/definition.js';

/**
 * One score's history as a small server-rendered SVG line chart: no JavaScript, no external
 * library. The SVG is an image with a text alternative (title and description naming every point
 * and which way is better); pages show the same numbers in a table beside it.
 */

export interface ChartPoint {
  /** YYYY-MM-DD */
  date: string;
  value: number;
  /** e.g. "Baseline" */
  label: string;
}

export interface ChartInput {
  id: string;
  title: string;
  min: number;
  max: number;
  direction: Direction;
  points: ChartPoint[];
}

const WIDTH = 640;
const HEIGHT = 260;
const LEFT = 56;
const RIGHT = 24;
const TOP = 36;
const BOTTOM = 48;
const BLUE = SVG_COLOURS.series[0];
const TEXT = SVG_COLOURS.text;
const GRID = SVG_COLOURS.grid;

const format = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2));

/** The chart's text alternative: what a screen reader hears instead of the picture. */
export function describeChart(input: ChartInput): string {
  const points = input.points.map((p) => `${format(p.value)} on ${shortDate(p.date)} (${p.label.toLowerCase()})`).join(', ');
  return `${input.title}, from ${format(input.min)} to ${format(input.max)}. ${DIRECTION_TEXT[input.direction]}. ${points || 'No scores yet'}.`;
}

export function chartSvg(input: ChartInput): string {
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const span = input.max - input.min || 1;
  const y = (value: number) => TOP + plotHeight - ((value - input.min) / span) * plotHeight;

  // Points are placed by date, so a long gap between reviews looks long.
  const times = input.points.map((p) => Date.parse(`${p.date}T00:00:00Z`));
  const first = Math.min(...times);
  const last = Math.max(...times);
  const x = (time: number) => (last === first ? LEFT + plotWidth / 2 : LEFT + ((time - first) / (last - first)) * plotWidth);

  const ticks = [input.min, input.min + span / 2, input.max];
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-labelledby="${input.id}-title ${input.id}-desc" focusable="false">`,
    `<title id="${input.id}-title">${escapeXml(input.title)}</title>`,
    `<desc id="${input.id}-desc">${escapeXml(describeChart(input))}</desc>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${LEFT}" y="20" font-size="15" fill="${TEXT}">${input.direction === 'higher-is-better' ? '↑' : '↓'} ${escapeXml(DIRECTION_TEXT[input.direction])}</text>`,
  );
  for (const tick of ticks) {
    parts.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="${GRID}" stroke-width="1"/>`,
      `<text x="${LEFT - 8}" y="${(y(tick) + 5).toFixed(1)}" font-size="14" text-anchor="end" fill="${TEXT}">${escapeXml(format(tick))}</text>`,
    );
  }
  if (input.points.length > 1) {
    const path = input.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(times[i]!).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
    parts.push(`<path d="${path}" fill="none" stroke="${BLUE}" stroke-width="3"/>`);
  }
  input.points.forEach((p, i) => {
    const px = x(times[i]!).toFixed(1);
    parts.push(
      `<circle cx="${px}" cy="${y(p.value).toFixed(1)}" r="6" fill="${BLUE}"/>`,
      `<text x="${px}" y="${(y(p.value) - 12).toFixed(1)}" font-size="14" text-anchor="middle" fill="${TEXT}">${escapeXml(format(p.value))}</text>`,
      `<text x="${px}" y="${HEIGHT - 24}" font-size="13" text-anchor="middle" fill="${TEXT}">${escapeXml(shortDate(p.date))}</text>`,
      `<text x="${px}" y="${HEIGHT - 8}" font-size="13" text-anchor="middle" fill="${TEXT}">${escapeXml(p.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
