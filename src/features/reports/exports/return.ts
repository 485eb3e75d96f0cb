import type { AgeBand } from '../../../platform/db/report-schema.js';
import { csvDocument } from '../../../platform/csv.js';
import { CASE_CLOSE_REASON_LABELS, CASE_CLOSE_REASONS, CONTACT_TYPE_LABELS, CONTACT_TYPES } from '../../cases/rules.js';
import { OFFER_STATE_LABELS, OFFER_STATES } from '../../offers/rules.js';
import type { PairedChange } from '../../outcomes/paired.js';
import { shownCount, SUPPRESSED_TEXT, type Shown } from '../suppression.js';
import type { Quarter } from './quarter.js';

/**
 * The quarterly return: counts for one financial quarter in the four minimum data groups of the
 * Social Prescribing Information Standard (demographics; needs and concerns; support offered;
 * outcomes), one row per service, measure and category. Every row is a count of referrals, cases,
 * contacts, offers or measure records — never a person — and counts of 1 to 4 are suppressed for
 * commissioners. Fixed lists (age bands, contact types, offer states, closure reasons, timepoints)
 * are written in full with zeros, so two quarters' returns line up row for row.
 */

export const RETURN_GROUPS = ['demographics', 'needs', 'support', 'outcomes'] as const;
export type ReturnGroup = (typeof RETURN_GROUPS)[number];

export const RETURN_GROUP_LABELS: Record<ReturnGroup, string> = {
  demographics: 'Demographics',
  needs: 'Needs and concerns',
  support: 'Support offered',
  outcomes: 'Outcomes',
};

export const AGE_BANDS: readonly AgeBand[] = ['under-18', '18-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75-plus'];
const AGE_BAND_LABELS: Record<AgeBand, string> = {
  'under-18': 'Under 18',
  '18-24': '18 to 24',
  '25-34': '25 to 34',
  '35-44': '35 to 44',
  '45-54': '45 to 54',
  '55-64': '55 to 64',
  '65-74': '65 to 74',
  '75-plus': '75 and over',
};

export interface Category {
  code: string;
  label: string;
}

const YES_NO: Category[] = [
  { code: 'yes', label: 'Yes' },
  { code: 'no', label: 'No' },
];

const list = <C extends string>(codes: readonly C[], labels: Record<C, string>): Category[] => codes.map((code) => ({ code, label: labels[code] }));

/** One measure of the return: what is counted, and its categories when they are a fixed list. */
interface MeasureSpec {
  group: ReturnGroup;
  label: string;
  /** Written in full, zeros included. Absent: only the categories that occur (needs, districts). */
  categories?: Category[];
}

/** The measures every return has, by key, in the order they are written. */
export const RETURN_MEASURES = {
  'referrals-received': { group: 'demographics', label: 'Referrals received', categories: [{ code: 'all', label: 'All referrals' }] },
  'age-band': { group: 'demographics', label: 'Referrals by age band at referral', categories: list(AGE_BANDS, AGE_BAND_LABELS) },
  'no-fixed-abode': { group: 'demographics', label: 'Referrals of people of no fixed abode', categories: YES_NO },
  'multiple-disadvantage': { group: 'demographics', label: 'Referrals of people facing multiple disadvantage', categories: YES_NO },
  'postcode-district': { group: 'demographics', label: 'Referrals by postcode district' },
  need: { group: 'needs', label: 'Referrals by need' },
  'contact-type': { group: 'support', label: 'Contacts by type', categories: list(CONTACT_TYPES, CONTACT_TYPE_LABELS) },
  'offer-state': { group: 'support', label: 'Offers made in the quarter, by state at the end of the quarter', categories: list(OFFER_STATES, OFFER_STATE_LABELS) },
  introduction: {
    group: 'support',
    label: 'Introductions to activities and support',
    categories: [
      { code: 'accompanied', label: 'Accompanied by the link worker' },
      { code: 'not-accompanied', label: 'Not accompanied' },
    ],
  },
  'case-closure': { group: 'support', label: 'Cases closed, by reason', categories: list(CASE_CLOSE_REASONS, CASE_CLOSE_REASON_LABELS) },
} as const satisfies Record<string, MeasureSpec>;
export type FixedMeasure = keyof typeof RETURN_MEASURES;

export const TIMEPOINT_CATEGORIES: Category[] = [
  { code: 'baseline', label: 'Baseline recorded' },
  { code: 'follow-up', label: 'Follow-up recorded (review or closure)' },
  { code: 'declined', label: 'Person declined to answer' },
];

export const PAIRED_CATEGORIES: Category[] = [
  { code: 'paired', label: 'Baseline and follow-up both recorded' },
  { code: 'improved', label: 'Improved' },
  { code: 'unchanged', label: 'No change' },
  { code: 'worsened', label: 'Worsened' },
];

/** One count from the database: a service, a measure, a category and how many. */
export interface Tally {
  serviceId: string;
  measure: FixedMeasure;
  code: string;
  count: number;
}

/** Measure records of one outcome measure, by timepoint (baseline, follow-up, declined). */
export interface MeasureRecordTally {
  serviceId: string;
  measureCode: string;
  measureName: string;
  timepoint: 'baseline' | 'follow-up' | 'declined';
  count: number;
}

/** Paired change of one score of one measure, for the cases whose follow-up fell in the quarter. */
export interface PairedTally {
  serviceId: string;
  measureCode: string;
  measureName: string;
  scoreKey: string;
  scoreLabel: string;
  change: PairedChange;
}

export interface ReturnRow {
  serviceId: string;
  service: string;
  group: ReturnGroup;
  /** Machine-readable: `age-band`, `need`, `measure-records:ons4`, `paired-change:ons4:anxious`. */
  measureCode: string;
  measure: string;
  categoryCode: string;
  category: string;
  /** Null where suppressed (1 to 4, for commissioners). */
  count: Shown;
}

export interface ReturnInput {
  services: { id: string; name: string }[];
  tallies: Tally[];
  /** Labels for need codes (the shared needs list); a code missing from it is shown as itself. */
  needLabels: Map<string, string>;
  measureRecords: MeasureRecordTally[];
  paired: PairedTally[];
  suppress: boolean;
}

/** Builds the return's rows in a stable order: service, group, measure, then category. */
export function returnRows(input: ReturnInput): ReturnRow[] {
  const rows: ReturnRow[] = [];
  for (const service of input.services) {
    const push = (group: ReturnGroup, measureCode: string, measure: string, category: Category, count: number) =>
      rows.push({ serviceId: service.id, service: service.name, group, measureCode, measure, categoryCode: category.code, category: category.label, count: shownCount(count, input.suppress) });

    const mine = input.tallies.filter((t) => t.serviceId === service.id);
    for (const [key, spec] of Object.entries(RETURN_MEASURES) as [FixedMeasure, MeasureSpec][]) {
      const counts = new Map<string, number>();
      for (const t of mine) if (t.measure === key) counts.set(t.code, (counts.get(t.code) ?? 0) + t.count);
      if (spec.categories) {
        for (const category of spec.categories) push(spec.group, key, spec.label, category, counts.get(category.code) ?? 0);
        continue;
      }
      const label = (code: string) => (key === 'need' ? (input.needLabels.get(code) ?? code) : code);
      for (const code of [...counts.keys()].sort()) push(spec.group, key, spec.label, { code, label: label(code) }, counts.get(code)!);
    }

    const records = input.measureRecords.filter((m) => m.serviceId === service.id);
    for (const code of [...new Set(records.map((m) => m.measureCode))].sort()) {
      const ofMeasure = records.filter((m) => m.measureCode === code);
      const measure = `${ofMeasure[0]!.measureName}: measure records`;
      for (const category of TIMEPOINT_CATEGORIES) {
        push('outcomes', `measure-records:${code}`, measure, category, ofMeasure.filter((m) => m.timepoint === category.code).reduce((sum, m) => sum + m.count, 0));
      }
    }

    const paired = input.paired.filter((p) => p.serviceId === service.id).sort((a, b) => a.measureCode.localeCompare(b.measureCode) || a.scoreKey.localeCompare(b.scoreKey));
    for (const p of paired) {
      const measure = `${p.measureName}: ${p.scoreLabel}, paired change`;
      const counts: Record<string, number> = { paired: p.change.n, improved: p.change.improved, unchanged: p.change.unchanged, worsened: p.change.worsened };
      for (const category of PAIRED_CATEGORIES) push('outcomes', `paired-change:${p.measureCode}:${p.scoreKey}`, measure, category, counts[category.code]!);
    }
  }
  const groupOrder = (g: ReturnGroup) => RETURN_GROUPS.indexOf(g);
  // Stable sort: within a group, rows keep the order they were written in.
  return rows.sort((a, b) => a.service.localeCompare(b.service) || a.serviceId.localeCompare(b.serviceId) || groupOrder(a.group) - groupOrder(b.group));
}

export const RETURN_CSV_HEADER = ['quarter', 'service', 'group', 'measure_code', 'measure', 'category_code', 'category', 'count'] as const;

/** The return as CSV: one line per row; a suppressed count reads "fewer than 5". */
export function returnCsv(q: Pick<Quarter, 'id'>, rows: readonly ReturnRow[]): string {
  return csvDocument(
    RETURN_CSV_HEADER,
    rows.map((r) => [q.id, r.service, RETURN_GROUP_LABELS[r.group], r.measureCode, r.measure, r.categoryCode, r.category, r.count === null ? SUPPRESSED_TEXT : String(r.count)]),
  );
}
