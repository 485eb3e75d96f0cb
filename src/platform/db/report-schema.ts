import type { ColumnType } from 'kysely';

/**
 * The commissioning link and the reporting views (migrations/0012_reporting.sql). The views are
 * read-only and hold no name, NHS number, date of birth, postcode unit, contact detail or free text.
 */
type ReadOnly<T> = ColumnType<T, never, never>;

export interface CommissioningTable {
  commissionerOrganisationId: string;
  organisationId: string;
  addedBy: string | null;
  addedAt: ColumnType<Date, Date | string | undefined, never>;
}

export type AgeBand = 'under-18' | '18-24' | '25-34' | '35-44' | '45-54' | '55-64' | '65-74' | '75-plus';

export interface ReportReferralView {
  organisationId: ReadOnly<string>;
  id: ReadOnly<string>;
  programmeId: ReadOnly<string>;
  sourceType: ReadOnly<'professional' | 'self'>;
  sourceOrganisationId: ReadOnly<string | null>;
  urgency: ReadOnly<'routine' | 'urgent'>;
  needs: ReadOnly<string[]>;
  multipleDisadvantage: ReadOnly<boolean>;
  status: ReadOnly<string>;
  closedReason: ReadOnly<string | null>;
  caseId: ReadOnly<string | null>;
  redirectedTo: ReadOnly<string | null>;
  duplicateOf: ReadOnly<string | null>;
  receivedAt: ReadOnly<Date>;
  statusChangedAt: ReadOnly<Date>;
  /** Null for someone of no fixed abode. */
  postcodeDistrict: ReadOnly<string | null>;
  noFixedAbode: ReadOnly<boolean>;
  ageBand: ReadOnly<AgeBand>;
}

export interface ReportReferralEventView {
  organisationId: ReadOnly<string>;
  referralId: ReadOnly<string>;
  action: ReadOnly<string>;
  fromStatus: ReadOnly<string | null>;
  toStatus: ReadOnly<string>;
  occurredAt: ReadOnly<Date>;
  snomedCode: ReadOnly<string | null>;
}

export interface ReportCaseView {
  organisationId: ReadOnly<string>;
  id: ReadOnly<string>;
  programmeId: ReadOnly<string>;
  referralId: ReadOnly<string>;
  status: ReadOnly<'open' | 'paused' | 'closed'>;
  linkWorkerUserId: ReadOnly<string | null>;
  multipleDisadvantage: ReadOnly<boolean>;
  openedAt: ReadOnly<Date>;
  allocatedAt: ReadOnly<Date | null>;
  firstContactOn: ReadOnly<string | null>;
  closedAt: ReadOnly<Date | null>;
  closedReason: ReadOnly<string | null>;
}

export interface ReportContactView {
  organisationId: ReadOnly<string>;
  caseId: ReadOnly<string>;
  contactDate: ReadOnly<string>;
  type: ReadOnly<string>;
  durationMinutes: ReadOnly<number | null>;
}

export interface ReportOfferView {
  organisationId: ReadOnly<string>;
  id: ReadOnly<string>;
  caseId: ReadOnly<string>;
  directoryServiceId: ReadOnly<string>;
  serviceName: ReadOnly<string>;
  state: ReadOnly<string>;
  accompanied: ReadOnly<boolean>;
  createdAt: ReadOnly<Date>;
  stateChangedAt: ReadOnly<Date>;
}

export interface ReportOfferEventView {
  organisationId: ReadOnly<string>;
  offerId: ReadOnly<string>;
  kind: ReadOnly<string>;
  fromState: ReadOnly<string | null>;
  toState: ReadOnly<string>;
  accompanied: ReadOnly<boolean>;
  sessionOn: ReadOnly<string | null>;
  occurredAt: ReadOnly<Date>;
}

export interface ReportMeasureView {
  organisationId: ReadOnly<string>;
  caseId: ReadOnly<string>;
  measureCode: ReadOnly<string>;
  timepoint: ReadOnly<'baseline' | 'review' | 'closure'>;
  completedOn: ReadOnly<string>;
  declined: ReadOnly<boolean>;
  scores: ReadOnly<unknown>;
}

export interface ReportGpAttendanceView {
  organisationId: ReadOnly<string>;
  caseId: ReadOnly<string>;
  period: ReadOnly<'before' | 'after'>;
  appointments: ReadOnly<number>;
}

export interface ReportUnmetNeedView {
  organisationId: ReadOnly<string>;
  needCode: ReadOnly<string>;
  area: ReadOnly<string | null>;
  recordedOn: ReadOnly<string>;
}

/**
 * One row per referral with its journey already joined (migrations/0014_report_facts.sql), kept up
 * to date by triggers. Read-only to the application.
 */
export interface ReportReferralFactTable {
  organisationId: ReadOnly<string>;
  referralId: ReadOnly<string>;
  programmeId: ReadOnly<string>;
  receivedAt: ReadOnly<Date>;
  sourceType: ReadOnly<'professional' | 'self'>;
  sourceOrganisationId: ReadOnly<string | null>;
  urgency: ReadOnly<'routine' | 'urgent'>;
  needs: ReadOnly<string[]>;
  status: ReadOnly<string>;
  statusChangedAt: ReadOnly<Date>;
  closedReason: ReadOnly<string | null>;
  redirectedTo: ReadOnly<string | null>;
  duplicateOf: ReadOnly<string | null>;
  /** Null for someone of no fixed abode. */
  postcodeDistrict: ReadOnly<string | null>;
  noFixedAbode: ReadOnly<boolean>;
  ageBand: ReadOnly<AgeBand>;
  referralMd: ReadOnly<boolean>;
  caseId: ReadOnly<string | null>;
  caseStatus: ReadOnly<'open' | 'paused' | 'closed' | null>;
  caseMd: ReadOnly<boolean | null>;
  openedAt: ReadOnly<Date | null>;
  allocatedAt: ReadOnly<Date | null>;
  firstContactOn: ReadOnly<string | null>;
  daysToFirstContact: ReadOnly<number | null>;
  caseClosedAt: ReadOnly<Date | null>;
  caseClosedReason: ReadOnly<string | null>;
  engaged: ReadOnly<boolean>;
  connected: ReadOnly<boolean>;
  /** The cohort: the case's multiple-disadvantage status, or the referral's before a case is opened. */
  md: ReadOnly<boolean>;
}

/** One row per offer with where it has been (migrations/0014_report_facts.sql). Read-only. */
export interface ReportOfferFactTable {
  organisationId: ReadOnly<string>;
  offerId: ReadOnly<string>;
  caseId: ReadOnly<string>;
  referralId: ReadOnly<string>;
  sourceOrganisationId: ReadOnly<string | null>;
  md: ReadOnly<boolean>;
  directoryServiceId: ReadOnly<string>;
  state: ReadOnly<string>;
  accompanied: ReadOnly<boolean>;
  createdAt: ReadOnly<Date>;
  interested: ReadOnly<boolean>;
  introduced: ReadOnly<boolean>;
  went: ReadOnly<boolean>;
  introducedAt: ReadOnly<Date[]>;
}

export interface ReportDB {
  commissioning: CommissioningTable;
  reportReferralFact: ReportReferralFactTable;
  reportOfferFact: ReportOfferFactTable;
  reportReferral: ReportReferralView;
  reportReferralEvent: ReportReferralEventView;
  reportCase: ReportCaseView;
  reportContact: ReportContactView;
  reportOffer: ReportOfferView;
  reportOfferEvent: ReportOfferEventView;
  reportMeasure: ReportMeasureView;
  reportGpAttendance: ReportGpAttendanceView;
  reportUnmetNeed: ReportUnmetNeedView;
}
