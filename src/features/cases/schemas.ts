import { Type } from '@fastify/type-provider-typebox';
import { CASE_CLOSE_REASONS, CONTACT_TYPES } from './rules.js';

const Str = (max: number, description?: string) => Type.String({ maxLength: max, ...(description ? { description } : {}) });
const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const Day = Type.String({ description: 'YYYY-MM-DD' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const IdParams = Type.Object({ id: Uuid });

const Status = Type.Enum(['open', 'paused', 'closed']);

const FirstContact = Type.Object(
  {
    state: Type.Enum(['made', 'due', 'overdue', 'not-allocated']),
    on: Type.Optional(Day),
    due: Type.Optional(Day),
    daysOverdue: Type.Optional(Type.Integer()),
  },
  { description: 'First contact is due a set number of working days (weekends and England and Wales bank holidays skipped) after allocation' },
);

const Sessions = Type.Object(
  {
    kind: Type.Enum(['exempt', 'unlimited', 'capped']),
    held: Type.Integer({ description: 'Meetings held (texts and unanswered attempts do not count)' }),
    cap: Type.Optional(Type.Integer()),
    reviewDue: Type.Optional(Type.Boolean({ description: 'At the cap: time for a review. A case never closes because of the cap' })),
    text: Type.String({ examples: ['No session limit — multiple disadvantage', '3 of 6 meetings'] }),
  },
  { description: 'The programme’s session cap as it applies to this case; the multiple-disadvantage cohort is exempt by default' },
);

const Attempts = Type.Object(
  {
    kind: Type.Enum(['none', 'may-propose-closure', 'talk-to-team-lead']),
    attempts: Type.Optional(Type.Integer()),
  },
  { description: 'After unanswered attempts in a row: a standard case may be proposed for closure (never closed automatically); a multiple-disadvantage case is flagged for a conversation with the team lead' },
);

const NextAction = Nullable(Type.Object({ text: Type.String(), date: Nullable(Day) }));
const Person = Type.Object({ id: Uuid, name: Type.String() });

export const CaseSummary = Type.Object({
  id: Uuid,
  reference: Type.String(),
  personName: Type.String(),
  status: Status,
  multipleDisadvantage: Type.Boolean({ description: 'Staff only: never shown to the person or to referrers' }),
  linkWorker: Nullable(Person),
  openedAt: DateTime,
  firstContact: FirstContact,
  nextAction: NextAction,
  sessions: Sessions,
  attempts: Attempts,
  reviewDate: Nullable(Day),
});

export const CaseList = Type.Object({
  items: Type.Array(CaseSummary),
  counts: Type.Object({ open: Type.Integer(), paused: Type.Integer(), closed: Type.Integer() }, { description: 'Cases by status, with the same filters except status' }),
  nextCursor: Type.Null({ description: 'A caseload comes whole (up to 2,000 cases), ordered overdue first contacts first, then by next action date' }),
});

export const CaseListQuery = Type.Object({
  mine: Type.Optional(Type.Boolean({ description: 'Only cases allocated to you' })),
  status: Type.Optional(Type.Enum(['active', 'open', 'paused', 'closed', 'all'], { description: 'active (the default) is open and paused' })),
  linkWorker: Type.Optional(Uuid),
  firstContact: Type.Optional(Type.Enum(['overdue', 'due', 'made'])),
  multipleDisadvantage: Type.Optional(Type.Enum(['yes', 'no'])),
});

export const CaseFull = Type.Object({
  id: Uuid,
  status: Status,
  referral: Type.Object({ id: Uuid, reference: Type.String() }),
  person: Type.Object({
    id: Uuid,
    displayName: Type.String(),
    givenName: Type.String(),
    familyName: Type.String(),
    dateOfBirth: Day,
    nhsNumber: Nullable(Type.String()),
    postcode: Nullable(Type.String()),
    noFixedAbode: Type.Boolean(),
  }),
  programme: Person,
  linkWorker: Nullable(Person),
  multipleDisadvantage: Type.Boolean({ description: 'Staff only: never shown to the person or to referrers' }),
  openedAt: DateTime,
  urgency: Type.String(),
  referredAt: DateTime,
  firstContact: FirstContact,
  sessions: Sessions,
  attempts: Attempts,
  nextAction: NextAction,
  reviewDate: Nullable(Day),
  closedReason: Nullable(Type.String()),
  contacts: Type.Array(
    Type.Object({
      id: Uuid,
      contactDate: Day,
      type: Type.Enum(CONTACT_TYPES),
      durationMinutes: Nullable(Type.Integer()),
      location: Nullable(Type.String()),
      note: Nullable(Type.String({ description: 'Null for a sensitive note unless you are the allocated link worker or a team lead' })),
      sensitive: Type.Boolean(),
      noteHidden: Type.Boolean(),
      nextStep: Nullable(Type.String()),
      nextStepDate: Nullable(Day),
      recordedBy: Nullable(Type.String()),
      recordedAt: DateTime,
    }),
  ),
  needs: Type.Array(Type.Object({ code: Type.String(), label: Type.String(), source: Type.Enum(['referral', 'conversation']) })),
  strengths: Type.Array(Type.String()),
  goals: Type.Array(Type.String({ description: 'In the person’s own words' })),
  safety: Type.Object({ risk: Type.Boolean(), riskNote: Nullable(Type.String()), loneWorking: Type.Boolean(), loneWorkingNote: Nullable(Type.String()), updatedAt: Nullable(DateTime) }),
  concerns: Type.Array(Type.Object({ id: Uuid, what: Type.String(), raisedOn: Day, raisedWith: Type.String(), recordedBy: Nullable(Type.String()), recordedAt: DateTime })),
  history: Type.Array(
    Type.Object({
      kind: Type.String(),
      reason: Nullable(Type.String()),
      reviewDate: Nullable(Day),
      closeReason: Nullable(Type.String()),
      multipleDisadvantage: Nullable(Type.Boolean()),
      linkWorker: Nullable(Type.String()),
      overrideReason: Nullable(Type.String()),
      loadAfter: Nullable(Type.Number()),
      capacity: Nullable(Type.Number()),
      by: Type.String(),
      at: DateTime,
    }),
  ),
  previousCases: Type.Array(Type.Object({ id: Uuid, reference: Type.String(), status: Status, openedAt: DateTime, closedAt: Nullable(DateTime), closedReason: Nullable(Type.String()) }), {
    description: 'The same person’s other cases in this service (same person record, or same name and date of birth)',
  }),
  canWork: Type.Boolean(),
});

export const ContactBody = Type.Object(
  {
    contactDate: Type.Optional(Str(10, 'YYYY-MM-DD, today or earlier; today if left out')),
    type: Type.Enum(CONTACT_TYPES),
    durationMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 720 })),
    location: Type.Optional(Str(200)),
    note: Type.Optional(Str(2000, 'A short note; facts, not judgements')),
    sensitive: Type.Optional(Type.Boolean({ description: 'Only the allocated link worker and team leads can read a sensitive note' })),
    nextStep: Type.Optional(Str(500)),
    nextStepDate: Type.Optional(Str(10, 'YYYY-MM-DD')),
  },
  { additionalProperties: false },
);

export const PauseBody = Type.Object({ reason: Str(500), reviewDate: Str(10, 'YYYY-MM-DD, today or later, within a year') }, { additionalProperties: false });
export const CloseBody = Type.Object({ reason: Type.Enum(CASE_CLOSE_REASONS) }, { additionalProperties: false });
export const ReopenBody = Type.Object({ reason: Type.Optional(Str(500)) }, { additionalProperties: false });
export const MdBody = Type.Object({ multipleDisadvantage: Type.Boolean(), reason: Str(500, 'Why, in your judgement') }, { additionalProperties: false });
export const WhatMattersBody = Type.Object(
  {
    needs: Type.Array(Str(60), { maxItems: 40, description: 'Codes from GET /api/v1/needs' }),
    strengths: Type.Array(Str(500), { maxItems: 30 }),
    goals: Type.Array(Str(500), { maxItems: 30, description: 'In the person’s own words' }),
  },
  { additionalProperties: false },
);
export const SafetyBody = Type.Object(
  { risk: Type.Boolean(), riskNote: Type.Optional(Str(1000)), loneWorking: Type.Boolean(), loneWorkingNote: Type.Optional(Str(1000)) },
  { additionalProperties: false },
);
export const ConcernBody = Type.Object(
  { what: Str(2000), raisedOn: Type.Optional(Str(10, 'YYYY-MM-DD; today if left out')), raisedWith: Str(200, 'Who it was raised with') },
  { additionalProperties: false },
);
export const AllocateBody = Type.Object(
  { linkWorker: Str(254, 'User id or email'), overrideReason: Type.Optional(Str(500, 'Needed (and audited) to allocate past the link worker’s weighted capacity')) },
  { additionalProperties: false },
);

export const Settings = Type.Object({
  sessionCap: Nullable(Type.Integer({ minimum: 1, maximum: 200, description: 'null: no limit' })),
  mdExemptFromCap: Type.Boolean(),
  weightStandard: Type.Number(),
  weightMd: Type.Number(),
  defaultCapacity: Type.Integer(),
  firstContactWorkingDays: Type.Integer(),
  attemptsBeforeReview: Type.Integer(),
});

export const Team = Type.Object({
  workers: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String(),
      role: Type.String(),
      load: Type.Number({ description: 'Weighted units of open and paused cases' }),
      capacity: Type.Number(),
      openCases: Type.Integer(),
      mdCases: Type.Integer(),
      overCapacity: Type.Boolean(),
      overdueFirstContacts: Type.Integer(),
    }),
  ),
  conversations: Type.Array(Type.Object({ id: Uuid, reference: Type.String(), personName: Type.String(), linkWorker: Nullable(Person), attempts: Type.Integer() }), {
    description: 'Multiple-disadvantage cases with unanswered attempts in a row: for a conversation, never an automatic closure',
  }),
  waiting: Type.Array(
    Type.Object({ id: Uuid, reference: Type.String(), urgency: Type.String(), personName: Type.String(), multipleDisadvantage: Type.Boolean(), referredAt: DateTime, daysWaiting: Type.Integer() }),
    { description: 'Accepted and not yet allocated: urgent first, then longest waiting' },
  ),
});
