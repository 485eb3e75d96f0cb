/**
 * Financial quarters, as NHS England's returns count them: the year starts on 1 April, so Q1 is
 * April to June and Q4 is January to March of the next calendar year. `2025-Q4` is the fourth
 * quarter of 2025/26 (January to March 2026).
 */
export interface Quarter {
  /** `YYYY-QN`, the year being the one the financial year starts in. */
  id: string;
  /** First day, YYYY-MM-DD. */
  from: string;
  /** Last day, YYYY-MM-DD (inclusive). */
  to: string;
  /** e.g. "Q4 2025/26 (January to March 2026)". */
  label: string;
}

const QUARTER = /^(\d{4})-Q([1-4])$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const LAST_DAY = ['06-30', '09-30', '12-31', '03-31'];

export function quarter(startYear: number, n: 1 | 2 | 3 | 4): Quarter {
  const firstMonth = ((n - 1) * 3 + 3) % 12; // zero-based: April, July, October, January
  const calendarYear = n === 4 ? startYear + 1 : startYear;
  const month = String(firstMonth + 1).padStart(2, '0');
  return {
    id: `${startYear}-Q${n}`,
    from: `${calendarYear}-${month}-01`,
    to: `${calendarYear}-${LAST_DAY[n - 1]}`,
    label: `Q${n} ${startYear}/${String((startYear + 1) % 100).padStart(2, '0')} (${MONTHS[firstMonth]} to ${MONTHS[firstMonth + 2]} ${calendarYear})`,
  };
}

/** The quarter a day (YYYY-MM-DD) falls in. */
export function quarterOf(day: string): Quarter {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  if (month <= 3) return quarter(year - 1, 4);
  return quarter(year, ((Math.floor((month - 4) / 3) + 1) as 1 | 2 | 3));
}

function previous(q: Quarter): Quarter {
  const [year, n] = [Number(q.id.slice(0, 4)), Number(q.id.slice(6))];
  return n === 1 ? quarter(year - 1, 4) : quarter(year, (n - 1) as 1 | 2 | 3);
}

/** The last `count` quarters that have ended by `today`, newest first: the first is the default. */
export function recentQuarters(today: string, count = 8): Quarter[] {
  const out: Quarter[] = [];
  let q = previous(quarterOf(today));
  while (out.length < count) {
    out.push(q);
    q = previous(q);
  }
  return out;
}

/** A quarter that has not ended yet: its counts are so far, and will change. */
export function inProgress(q: Pick<Quarter, 'to'>, today: string): boolean {
  return q.to >= today;
}

/**
 * Reads `YYYY-QN`. The quarter in progress is allowed (a service may want to see it so far); one
 * that has not started is refused, and so is one before 2019, when the link worker role began.
 */
export function parseQuarter(value: string, today: string): Quarter | { error: string } {
  const match = QUARTER.exec(value.trim().toUpperCase());
  if (!match) return { error: 'Choose a quarter, written like 2025-Q4 (the year the financial year starts in)' };
  const q = quarter(Number(match[1]), Number(match[2]) as 1 | 2 | 3 | 4);
  if (q.from > today) return { error: `${q.label} has not started yet: choose a quarter that has` };
  if (q.from < '2019-04-01') return { error: 'Choose a quarter from 2019-Q1 onwards' };
  return q;
}
