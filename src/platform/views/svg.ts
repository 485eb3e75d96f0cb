/**
 * What every server-rendered SVG chart shares: escaping text into markup, and the NHS colours with
 * enough contrast against white for graphical objects (WCAG 2.2 non-text contrast, 3:1 or more).
 */
export function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export const SVG_COLOURS = {
  text: '#212b32',
  grid: '#d8dde0',
  /** Series colours, in order: NHS blue, NHS dark pink, NHS green. */
  series: ['#005eb8', '#7c2855', '#007f3b'],
} as const;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "5 Jan 2026": dates are calendar days, so no time zone is involved. */
export function shortDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  return `${day} ${MONTHS[month! - 1]} ${year}`;
}

/** "Jan 2026" for a YYYY-MM month. */
export function shortMonth(month: string): string {
  const [year, number] = month.split('-').map(Number);
  return `${MONTHS[number! - 1]} ${year}`;
}
