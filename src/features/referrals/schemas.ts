import { Type, type Static } from '@fastify/type-provider-typebox';
import { PREFERRED_CONTACT, REFERRAL_STATUSES } from '../../platform/db/schema.js';
import { CLOSE_REASONS, MULTIPLE_DISADVANTAGE, URGENCIES } from './rules.js';

const Str = (max: number, description?: string) => Type.String({ maxLength: max, ...(description ? { description } : {}) });
const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });

export const PersonBody = Type.Object(
  {
    givenName: Str(100),
    familyName: Str(100),
    preferredName: Type.Optional(Str(100)),
    dateOfBirth: Type.String({ description: 'YYYY-MM-DD', examples: ['1980-02-29'] }),
    nhsNumber: Type.Optional(Str(20, '10 digits, checked with modulus 11. Leave out if the person has none (many people facing multiple disadvantage are not registered)')),
    postcode: Type.Optional(Str(10, 'UK postcode; leave out with noFixedAbode: true')),
    noFixedAbode: Type.Optional(Type.Boolean()),
    phone: Type.Optional(Str(20)),
    email: Type.Optional(Str(254)),
    safeToLeaveMessage: Type.Optional(Type.Boolean({ description: 'Whether a message may be left; false unless said otherwise' })),
    preferredContact: Type.Optional(Type.Enum(PREFERRED_CONTACT)),
    contactNotes: Type.Optional(Str(500, 'How to reach them, e.g. through a hostel key worker')),
    interpreterLanguage: Type.Optional(Str(100)),
    accessibilityNeeds: Type.Optional(Str(500)),
  },
  { additionalProperties: false },
);

export const ReferralBody = Type.Object(
  {
    toOrganisation: Str(60, 'Short name (slug) of the social prescribing service'),
    programme: Type.Optional(Str(60, 'Programme slug, for services with more than one; the default programme otherwise')),
    person: PersonBody,
    reason: Str(4000),
    needs: Type.Optional(Type.Array(Str(60), { maxItems: 30, description: 'Codes from GET /api/v1/needs' })),
    multipleDisadvantage: Type.Optional(Type.Array(Type.Enum(MULTIPLE_DISADVANTAGE), { maxItems: 5 })),
    riskNotes: Type.Optional(Str(2000, 'Risk or lone-working notes for staff')),
    consent: Type.Object(
      {
        given: Type.Boolean({ description: 'Must be true: the person agreed to be referred' }),
        by: Type.Optional(Type.Union([Type.Literal('person'), Type.Literal('representative')])),
        method: Type.Optional(Type.Union([Type.Literal('verbal'), Type.Literal('written'), Type.Literal('online')])),
      },
      { additionalProperties: false },
    ),
    urgency: Type.Optional(Type.Enum(URGENCIES)),
  },
  { additionalProperties: false },
);
export type ReferralBodyType = Static<typeof ReferralBody>;

export const ReferralReceipt = Type.Object(
  {
    id: Uuid,
    reference: Type.String(),
    status: Type.Union([Type.Literal('received'), Type.Literal('in-progress'), Type.Literal('closed')]),
    statusDate: DateTime,
    closedReason: Type.Union([Type.String(), Type.Null()], { description: 'Neutral wording; says the person’s care is not affected' }),
    personName: Type.String({ description: 'The name the referrer sent' }),
    urgency: Type.String(),
    sentAt: DateTime,
    receivingOrganisation: Type.Object({ slug: Type.String(), name: Type.String() }),
  },
  { additionalProperties: false, description: 'What a referrer sees: a neutral status and date, never case details' },
);

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const ReferralFull = Type.Object(
  {
    id: Uuid,
    reference: Type.String(),
    status: Type.Enum(REFERRAL_STATUSES),
    statusChangedAt: DateTime,
    urgency: Type.String(),
    reason: Type.String(),
    needs: Type.Array(Type.String()),
    multipleDisadvantage: Type.Array(Type.String()),
    riskNotes: Nullable(Type.String()),
    consent: Type.Object({ by: Type.String(), method: Type.String(), at: DateTime }),
    source: Type.Object({
      type: Type.Union([Type.Literal('professional'), Type.Literal('self')]),
      organisation: Type.Union([Type.Object({ slug: Type.String(), name: Type.String() }), Type.Null()]),
      referrerName: Nullable(Type.String()),
    }),
    programme: Type.Object({ slug: Type.String(), name: Type.String() }),
    person: Type.Object({
      id: Uuid,
      givenName: Type.String(),
      familyName: Type.String(),
      preferredName: Nullable(Type.String()),
      dateOfBirth: Type.String(),
      nhsNumber: Nullable(Type.String()),
      postcode: Nullable(Type.String()),
      noFixedAbode: Type.Boolean(),
      phone: Nullable(Type.String()),
      email: Nullable(Type.String()),
      safeToLeaveMessage: Type.Boolean(),
      preferredContact: Type.String(),
      contactNotes: Nullable(Type.String()),
      interpreterLanguage: Nullable(Type.String()),
      accessibilityNeeds: Nullable(Type.String()),
    }),
    caseId: Nullable(Type.String({ format: 'uuid' })),
    linkWorker: Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()]),
    closedReason: Nullable(Type.String()),
    duplicateDecision: Nullable(Type.String()),
    possibleDuplicates: Type.Array(
      Type.Object({ id: Uuid, reference: Type.String(), status: Type.String(), match: Type.String(), createdAt: DateTime }),
    ),
    history: Type.Array(
      Type.Object({
        action: Type.String(),
        from: Nullable(Type.String()),
        to: Type.String(),
        reason: Nullable(Type.String()),
        snomedCode: Nullable(Type.String({ description: 'SNOMED CT UK: 871731000000106 accepted, 871711000000103 the person declined' })),
        by: Type.String(),
        at: DateTime,
      }),
    ),
    createdAt: DateTime,
  },
  { additionalProperties: false, description: 'The receiving service’s full record (reading it is audited)' },
);

export const ReferralSummary = Type.Object(
  {
    id: Uuid,
    reference: Type.String(),
    status: Type.Enum(REFERRAL_STATUSES),
    urgency: Type.String(),
    personName: Type.String(),
    source: Type.String(),
    createdAt: DateTime,
    statusChangedAt: DateTime,
    caseId: Nullable(Type.String({ format: 'uuid' })),
    possibleDuplicates: Type.Integer(),
  },
  { additionalProperties: false },
);

export const ListQuery = Type.Object(
  {
    view: Type.Optional(Type.Union([Type.Literal('sent'), Type.Literal('service'), Type.Literal('queue')], { description: 'sent: your organisation’s referrals (neutral); service: referrals to your service; queue: the triage queue. Default: service for team leads and link workers, sent for others' })),
    status: Type.Optional(Type.String()),
    urgency: Type.Optional(Type.String()),
    source: Type.Optional(Type.String({ description: 'Source organisation slug, or "self"' })),
    from: Type.Optional(Type.String({ description: 'YYYY-MM-DD' })),
    to: Type.Optional(Type.String({ description: 'YYYY-MM-DD' })),
    cursor: Type.Optional(Type.String()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
);

export const ActionBody = Type.Object(
  {
    reason: Type.Optional(Str(500, `For decline and close: ${CLOSE_REASONS.join(', ')}; for pause, free text`)),
    linkWorker: Type.Optional(Str(254, 'For allocate: the link worker’s user id or email')),
    toOrganisation: Type.Optional(Str(60, 'For redirect: the other service’s short name')),
    overrideReason: Type.Optional(Str(500, 'For allocate: why to allocate past the link worker’s weighted capacity (refused with 400 on this field without it); audited')),
  },
  { additionalProperties: false },
);

export const DuplicateBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('linked'), Type.Literal('kept-separate')]),
    duplicateOf: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
