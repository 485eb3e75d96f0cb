import { csvDocument } from '../../../platform/csv.js';
import { SNOMED } from '../../referrals/rules.js';

/**
 * The SNOMED CT event extract for one GP practice: one line per coded referral event, with what a GP
 * system needs to record it against the patient — the NHS number to find the record, the date of
 * birth to check it is the right one, the event date, the code and its preferred term, and the
 * referral reference for anyone asking about it. Nothing about needs, notes or how support went.
 */

/** SNOMED CT UK preferred terms (docs/codes-and-standards.md), without the semantic tag. */
export const SNOMED_TERMS: Record<string, string> = {
  [SNOMED.referralAccepted]: 'Referral to social prescribing service',
  [SNOMED.personDeclined]: 'Social prescribing declined',
};

export interface SnomedEventSource {
  nhsNumber: string | null;
  dateOfBirth: string;
  /** YYYY-MM-DD, the day in England (Europe/London) the event happened. */
  eventDate: string;
  snomedCode: string;
  referralReference: string;
}

export interface SnomedEventRow {
  /** 10 digits without spaces: the form GP systems import and match on (3-3-4 is for display). */
  nhsNumber: string;
  dateOfBirth: string;
  eventDate: string;
  snomedCode: string;
  snomedTerm: string;
  referralReference: string;
}

/**
 * Events a GP system can record, and how many it could not: without an NHS number, a GP system
 * cannot match the person to a record, so those events are left out and counted.
 */
export function snomedEventRows(events: readonly SnomedEventSource[]): { rows: SnomedEventRow[]; leftOutWithoutNhsNumber: number } {
  const rows: SnomedEventRow[] = [];
  let leftOut = 0;
  for (const event of events) {
    if (!event.nhsNumber) {
      leftOut++;
      continue;
    }
    rows.push({
      nhsNumber: event.nhsNumber.replace(/\s/g, ''),
      dateOfBirth: event.dateOfBirth,
      eventDate: event.eventDate,
      snomedCode: event.snomedCode,
      snomedTerm: SNOMED_TERMS[event.snomedCode] ?? '',
      referralReference: event.referralReference,
    });
  }
  return { rows, leftOutWithoutNhsNumber: leftOut };
}

export const SNOMED_CSV_HEADER = ['nhs_number', 'date_of_birth', 'event_date', 'snomed_code', 'snomed_term', 'referral_reference'] as const;

export function snomedCsv(rows: readonly SnomedEventRow[]): string {
  return csvDocument(
    SNOMED_CSV_HEADER,
    rows.map((r) => [r.nhsNumber, r.dateOfBirth, r.eventDate, r.snomedCode, r.snomedTerm, r.referralReference]),
  );
}
