import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { DirectoryDB } from './directory-schema.js';
import type { ReportDB } from './report-schema.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export const ORGANISATION_TYPES = [
  'gp-practice',
  'sp-service',
  'vcse',
  'local-authority',
  'commissioner',
  'other-referrer',
] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

export const ROLES = ['admin', 'team-lead', 'link-worker', 'referrer', 'provider', 'commissioner'] as const;
export type Role = (typeof ROLES)[number];

export interface OrganisationTable {
  id: Generated<string>;
  slug: string;
  name: string;
  type: OrganisationType;
  createdAt: CreatedAt;
}

export interface AppUserTable {
  id: Generated<string>;
  email: string;
  name: string;
  passwordHash: string | null;
  platformAdmin: Generated<boolean>;
  active: Generated<boolean>;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface MembershipTable {
  organisationId: string;
  userId: string;
  role: Role;
  active: Generated<boolean>;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface SessionTable {
  idHash: string;
  userId: string;
  organisationId: string;
  createdAt: CreatedAt;
  lastSeenAt: Timestamp;
  expiresAt: Date;
}

export interface ApiTokenTable {
  organisationId: string;
  id: Generated<string>;
  userId: string;
  name: string;
  tokenHash: string;
  createdAt: CreatedAt;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface UserInviteTable {
  tokenHash: string;
  userId: string;
  organisationId: string;
  createdAt: CreatedAt;
  expiresAt: Date;
  usedAt: Date | null;
}

export interface SignInFailureTable {
  emailKey: string;
  occurredAt: CreatedAt;
}

export interface AuditEventTable {
  organisationId: string;
  id: ColumnType<string, never, never>;
  occurredAt: CreatedAt;
  actorUserId: string | null;
  actorLabel: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  requestId: string | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface ProgrammeTable {
  organisationId: string;
  id: Generated<string>;
  slug: string;
  name: string;
  isDefault: Generated<boolean>;
  createdAt: CreatedAt;
}

export interface NeedCodeTable {
  code: string;
  label: string;
  parentCode: string | null;
  active: Generated<boolean>;
  sortOrder: Generated<number>;
}

export const PREFERRED_CONTACT = ['phone', 'text', 'email', 'letter', 'via-someone-else'] as const;
export type PreferredContact = (typeof PREFERRED_CONTACT)[number];

export interface PersonTable {
  organisationId: string;
  id: string;
  givenName: string;
  familyName: string;
  preferredName: string | null;
  dateOfBirth: ColumnType<string, string, string>;
  nhsNumber: string | null;
  postcode: string | null;
  noFixedAbode: boolean;
  phone: string | null;
  email: string | null;
  safeToLeaveMessage: boolean;
  preferredContact: PreferredContact;
  contactNotes: string | null;
  interpreterLanguage: string | null;
  accessibilityNeeds: string | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface SupportCaseTable {
  organisationId: string;
  id: string;
  programmeId: string;
  personId: string;
  referralId: string;
  status: 'open' | 'paused' | 'closed';
  linkWorkerUserId: string | null;
  multipleDisadvantage: boolean;
  openedAt: CreatedAt;
  closedAt: Date | null;
  closedReason: string | null;
  allocatedAt: Date | null;
  firstContactOn: string | null;
  reviewDate: string | null;
}

/** numeric columns arrive as strings from PostgreSQL; read them with Number(). */
type Numeric = ColumnType<string, number | string, number | string>;

export interface ProgrammeSettingTable {
  organisationId: string;
  programmeId: string;
  sessionCap: number | null;
  mdExemptFromCap: boolean;
  weightStandard: Numeric;
  weightMd: Numeric;
  defaultCapacity: number;
  firstContactWorkingDays: number;
  attemptsBeforeReview: number;
  updatedBy: string | null;
  updatedAt: Timestamp;
}

export interface LinkWorkerCapacityTable {
  organisationId: string;
  userId: string;
  capacity: Numeric;
  updatedBy: string | null;
  updatedAt: Timestamp;
}

export interface CaseContactTable {
  organisationId: string;
  id: Generated<string>;
  caseId: string;
  contactDate: string;
  type: 'face-to-face' | 'phone' | 'video' | 'text' | 'home-visit' | 'outreach' | 'accompanied-visit' | 'attempted';
  durationMinutes: number | null;
  location: string | null;
  note: string | null;
  sensitive: boolean;
  nextStep: string | null;
  nextStepDate: string | null;
  recordedBy: string | null;
  recordedAt: CreatedAt;
}

export interface CaseNeedTable {
  organisationId: string;
  caseId: string;
  needCode: string;
  source: 'referral' | 'conversation';
  addedAt: CreatedAt;
}

export interface CasePlanItemTable {
  organisationId: string;
  id: Generated<string>;
  caseId: string;
  kind: 'strength' | 'goal';
  words: string;
  position: number;
  addedBy: string | null;
  addedAt: CreatedAt;
  setAsideAt: Date | null;
}

export interface PersonSafetyTable {
  organisationId: string;
  personId: string;
  risk: boolean;
  riskNote: string | null;
  loneWorking: boolean;
  loneWorkingNote: string | null;
  updatedBy: string | null;
  updatedAt: Timestamp;
}

export interface SafeguardingConcernTable {
  organisationId: string;
  id: Generated<string>;
  caseId: string;
  what: string;
  raisedOn: string;
  raisedWith: string;
  recordedBy: string | null;
  recordedAt: CreatedAt;
}

export interface CaseEventTable {
  organisationId: string;
  id: ColumnType<string, never, never>;
  caseId: string;
  kind: 'paused' | 'resumed' | 'closed' | 'reopened' | 'md-changed' | 'allocated';
  reason: string | null;
  reviewDate: string | null;
  closeReason: string | null;
  multipleDisadvantage: boolean | null;
  linkWorkerUserId: string | null;
  overrideReason: string | null;
  loadAfter: Numeric | null;
  capacity: Numeric | null;
  actorUserId: string | null;
  actorLabel: string;
  occurredAt: CreatedAt;
}

export const REFERRAL_STATUSES = ['received', 'accepted', 'allocated', 'first-contact', 'engaged', 'paused', 'closed'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];

export interface ReferralTable {
  organisationId: string;
  id: string;
  reference: string;
  programmeId: string;
  personId: string;
  sourceType: 'professional' | 'self';
  sourceOrganisationId: string | null;
  sourceUserId: string | null;
  reason: string;
  urgency: 'routine' | 'urgent';
  needs: string[];
  multipleDisadvantage: string[];
  riskNotes: string | null;
  consentGiven: boolean;
  consentBy: 'person' | 'representative';
  consentMethod: 'verbal' | 'written' | 'online';
  consentAt: Date;
  status: ReferralStatus;
  statusBeforePause: ReferralStatus | null;
  statusChangedAt: Timestamp;
  closedReason: string | null;
  caseId: string | null;
  duplicateOf: string | null;
  duplicateDecision: 'linked' | 'kept-separate' | null;
  redirectedTo: string | null;
  createdAt: CreatedAt;
}

export interface ReferralEventTable {
  organisationId: string;
  id: ColumnType<string, never, never>;
  referralId: string;
  action: string;
  fromStatus: ReferralStatus | null;
  toStatus: ReferralStatus;
  reason: string | null;
  snomedCode: string | null;
  actorUserId: string | null;
  actorLabel: string;
  occurredAt: CreatedAt;
}

export interface ReferralReceiptTable {
  organisationId: string;
  referralId: string;
  receivingOrganisationId: string;
  reference: string;
  personLabel: string;
  referrerUserId: string | null;
  status: 'received' | 'in-progress' | 'closed';
  statusChangedAt: Timestamp;
  closedReason: string | null;
  urgency: string;
  createdAt: CreatedAt;
}

export interface IdempotencyKeyTable {
  organisationId: string;
  key: string;
  requestHash: string;
  receivingOrganisationId: string;
  referralId: string;
  createdAt: CreatedAt;
}

export interface OutboxMessageTable {
  organisationId: string;
  id: Generated<string>;
  channel: 'email' | 'text';
  recipientKind: 'referrer' | 'person';
  recipient: string;
  template: string;
  subject: string;
  body: string;
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  lastError: string | null;
  createdAt: CreatedAt;
  sentAt: Date | null;
}

export type OfferStateColumn = 'suggested' | 'interested' | 'declined' | 'introduced' | 'attending' | 'stopped' | 'completed';

export interface OfferTable {
  organisationId: string;
  id: string;
  caseId: string;
  directoryServiceId: string;
  serviceName: string;
  state: OfferStateColumn;
  accompanied: boolean;
  reason: string | null;
  stateChangedAt: Timestamp;
  suggestedBy: string | null;
  createdAt: CreatedAt;
}

export interface OfferEventTable {
  organisationId: string;
  id: ColumnType<string, never, never>;
  offerId: string;
  kind: 'suggested' | 'transition' | 'accompanied-session';
  fromState: OfferStateColumn | null;
  toState: OfferStateColumn;
  accompanied: boolean;
  reason: string | null;
  sessionOn: ColumnType<string | null, string | null | undefined, never>;
  actorUserId: string | null;
  actorLabel: string;
  occurredAt: CreatedAt;
}

export interface IntroductionTable {
  organisationId: string;
  id: string;
  serviceOrganisationId: string;
  offerId: string;
  directoryServiceId: string;
  serviceName: string;
  firstName: string;
  contactRoute: string;
  shared: string | null;
  accompanied: boolean;
  introducedByName: string;
  introducedAt: CreatedAt;
  response: Generated<'awaiting' | 'accepted' | 'declined'>;
  responseNote: string | null;
  respondedAt: Date | null;
  respondedBy: string | null;
  endedAt: Date | null;
}

export interface IntroductionAttendanceTable {
  organisationId: string;
  id: ColumnType<string, never, never>;
  introductionId: string;
  serviceOrganisationId: string;
  sessionOn: ColumnType<string, string, never>;
  recordedBy: string | null;
  recordedAt: CreatedAt;
}

export const TIMEPOINTS = ['baseline', 'review', 'closure'] as const;
export type TimepointName = (typeof TIMEPOINTS)[number];

export interface OutcomeMeasureTable {
  organisationId: string;
  code: string;
  name: string;
  definition: ColumnType<unknown, string, never>;
  createdByUserId: string | null;
  createdAt: CreatedAt;
}

export interface OutcomeMeasureWordingTable {
  organisationId: string;
  measureCode: string;
  items: ColumnType<unknown, string, string>;
  answerLabels: ColumnType<unknown, string, string>;
  setByUserId: string | null;
  updatedAt: Timestamp;
}

export interface ProgrammeOutcomeMeasureTable {
  organisationId: string;
  programmeId: string;
  cohort: 'everyone' | 'multiple-disadvantage';
  measureCode: string;
  timepoints: TimepointName[];
}

export interface ProgrammeOutcomeOptionTable {
  organisationId: string;
  programmeId: string;
  gpAttendance: Generated<boolean>;
  uclaLonelyFrom: number | null;
}

export interface MeasureRecordTable {
  organisationId: string;
  id: Generated<string>;
  caseId: string;
  personId: string;
  measureCode: string;
  timepoint: TimepointName;
  completedOn: ColumnType<string, string, never>;
  declined: boolean;
  answers: ColumnType<unknown, string | null, never>;
  scores: ColumnType<unknown, string | null, never>;
  recordedByUserId: string | null;
  recordedAt: CreatedAt;
}

export interface GpAttendanceTable {
  organisationId: string;
  caseId: string;
  period: 'before' | 'after';
  appointments: number;
  source: 'entered' | 'imported';
  recordedByUserId: string | null;
  recordedAt: Timestamp;
}

export interface DB extends DirectoryDB, ReportDB {
  offer: OfferTable;
  offerEvent: OfferEventTable;
  introduction: IntroductionTable;
  introductionAttendance: IntroductionAttendanceTable;
  programme: ProgrammeTable;
  needCode: NeedCodeTable;
  person: PersonTable;
  supportCase: SupportCaseTable;
  programmeSetting: ProgrammeSettingTable;
  linkWorkerCapacity: LinkWorkerCapacityTable;
  caseContact: CaseContactTable;
  caseNeed: CaseNeedTable;
  casePlanItem: CasePlanItemTable;
  personSafety: PersonSafetyTable;
  safeguardingConcern: SafeguardingConcernTable;
  caseEvent: CaseEventTable;
  referral: ReferralTable;
  referralEvent: ReferralEventTable;
  referralReceipt: ReferralReceiptTable;
  idempotencyKey: IdempotencyKeyTable;
  outboxMessage: OutboxMessageTable;
  organisation: OrganisationTable;
  appUser: AppUserTable;
  membership: MembershipTable;
  userSession: SessionTable;
  apiToken: ApiTokenTable;
  userInvite: UserInviteTable;
  signInFailure: SignInFailureTable;
  auditEvent: AuditEventTable;
  outcomeMeasure: OutcomeMeasureTable;
  outcomeMeasureWording: OutcomeMeasureWordingTable;
  programmeOutcomeMeasure: ProgrammeOutcomeMeasureTable;
  programmeOutcomeOption: ProgrammeOutcomeOptionTable;
  measureRecord: MeasureRecordTable;
  gpAttendance: GpAttendanceTable;
}

export type Organisation = Selectable<OrganisationTable>;
export type AppUser = Selectable<AppUserTable>;
export type Membership = Selectable<MembershipTable>;
export type NewAuditEvent = Insertable<AuditEventTable>;
