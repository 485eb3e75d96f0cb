import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

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

export interface DB {
  organisation: OrganisationTable;
  appUser: AppUserTable;
  membership: MembershipTable;
  userSession: SessionTable;
  apiToken: ApiTokenTable;
  userInvite: UserInviteTable;
  signInFailure: SignInFailureTable;
  auditEvent: AuditEventTable;
}

export type Organisation = Selectable<OrganisationTable>;
export type AppUser = Selectable<AppUserTable>;
export type Membership = Selectable<MembershipTable>;
export type NewAuditEvent = Insertable<AuditEventTable>;
