import type { Column, Value } from '../../platform/generate/bulk.js';
import { DIRECTORY_TABLES, TABLE_ORDER as DIRECTORY_ORDER } from '../directory/generate/generate.js';

/**
 * The columns the national-year generator writes, per table, with the types they are sent as. Every
 * column is given a value (no defaults such as now() or gen_random_uuid()), so the same seed writes the
 * same rows; the one exception is referral_event.id, an identity that numbers rows in the order written.
 */
const TEXT_ARRAY = 'coalesce(string_to_array(%, \',\'), \'{}\')';

export const NATIONAL_TABLES = {
  organisation: [['id', 'uuid'], ['slug', 'text'], ['name', 'text'], ['type', 'text'], ['created_at', 'timestamptz']],
  app_user: [['id', 'uuid'], ['email', 'text'], ['name', 'text'], ['password_hash', 'text'], ['platform_admin', 'bool'], ['active', 'bool'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']],
  membership: [['organisation_id', 'uuid'], ['user_id', 'uuid'], ['role', 'text'], ['active', 'bool'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz']],
  programme: [['organisation_id', 'uuid'], ['id', 'uuid'], ['slug', 'text'], ['name', 'text'], ['is_default', 'bool'], ['created_at', 'timestamptz']],
  person: [
    ['organisation_id', 'uuid'], ['id', 'uuid'], ['given_name', 'text'], ['family_name', 'text'], ['preferred_name', 'text'], ['date_of_birth', 'date'],
    ['nhs_number', 'text'], ['postcode', 'text'], ['no_fixed_abode', 'bool'], ['phone', 'text'], ['email', 'text'], ['safe_to_leave_message', 'bool'],
    ['preferred_contact', 'text'], ['contact_notes', 'text'], ['interpreter_language', 'text'], ['accessibility_needs', 'text'], ['created_at', 'timestamptz'], ['updated_at', 'timestamptz'],
  ],
  support_case: [
    ['organisation_id', 'uuid'], ['id', 'uuid'], ['programme_id', 'uuid'], ['person_id', 'uuid'], ['referral_id', 'uuid'], ['status', 'text'],
    ['link_worker_user_id', 'uuid'], ['multiple_disadvantage', 'bool'], ['opened_at', 'timestamptz'], ['closed_at', 'timestamptz'], ['closed_reason', 'text'],
    ['allocated_at', 'timestamptz'], ['first_contact_on', 'date'], ['review_date', 'date'],
  ],
  referral: [
    ['organisation_id', 'uuid'], ['id', 'uuid'], ['reference', 'text'], ['programme_id', 'uuid'], ['person_id', 'uuid'], ['source_type', 'text'],
    ['source_organisation_id', 'uuid'], ['source_user_id', 'uuid'], ['reason', 'text'], ['urgency', 'text'], ['needs', 'text', TEXT_ARRAY],
    ['multiple_disadvantage', 'text', TEXT_ARRAY], ['risk_notes', 'text'], ['consent_given', 'bool'], ['consent_by', 'text'], ['consent_method', 'text'],
    ['consent_at', 'timestamptz'], ['status', 'text'], ['status_before_pause', 'text'], ['status_changed_at', 'timestamptz'], ['closed_reason', 'text'],
    ['case_id', 'uuid'], ['redirected_to', 'uuid'], ['created_at', 'timestamptz'],
  ],
  referral_event: [
    ['organisation_id', 'uuid'], ['referral_id', 'uuid'], ['action', 'text'], ['from_status', 'text'], ['to_status', 'text'], ['reason', 'text'],
    ['actor_user_id', 'uuid'], ['actor_label', 'text'], ['occurred_at', 'timestamptz'], ['snomed_code', 'text'],
  ],
  referral_receipt: [
    ['organisation_id', 'uuid'], ['referral_id', 'uuid'], ['receiving_organisation_id', 'uuid'], ['reference', 'text'], ['person_label', 'text'],
    ['referrer_user_id', 'uuid'], ['status', 'text'], ['status_changed_at', 'timestamptz'], ['closed_reason', 'text'], ['urgency', 'text'], ['created_at', 'timestamptz'],
  ],
  unmet_need: [['organisation_id', 'uuid'], ['id', 'uuid'], ['need_code', 'text'], ['area', 'text'], ['recorded_on', 'date'], ['recorded_by', 'uuid']],
  case_contact: [
    ['organisation_id', 'uuid'], ['id', 'uuid'], ['case_id', 'uuid'], ['contact_date', 'date'], ['type', 'text'], ['duration_minutes', 'int4'], ['location', 'text'],
    ['note', 'text'], ['sensitive', 'bool'], ['next_step', 'text'], ['next_step_date', 'date'], ['recorded_by', 'uuid'], ['recorded_at', 'timestamptz'],
  ],
  offer: [
    ['organisation_id', 'uuid'], ['id', 'uuid'], ['case_id', 'uuid'], ['directory_service_id', 'uuid'], ['service_name', 'text'], ['state', 'text'],
    ['accompanied', 'bool'], ['reason', 'text'], ['state_changed_at', 'timestamptz'], ['suggested_by', 'uuid'], ['created_at', 'timestamptz'],
  ],
  /** Its id is an identity, like referral_event's. */
  offer_event: [
    ['organisation_id', 'uuid'], ['offer_id', 'uuid'], ['kind', 'text'], ['from_state', 'text'], ['to_state', 'text'], ['accompanied', 'bool'], ['reason', 'text'],
    ['session_on', 'date'], ['actor_user_id', 'uuid'], ['actor_label', 'text'], ['occurred_at', 'timestamptz'],
  ],
  programme_outcome_measure: [['organisation_id', 'uuid'], ['programme_id', 'uuid'], ['cohort', 'text'], ['measure_code', 'text'], ['timepoints', 'text', TEXT_ARRAY]],
  programme_outcome_option: [['organisation_id', 'uuid'], ['programme_id', 'uuid'], ['gp_attendance', 'bool'], ['ucla_lonely_from', 'int4']],
  measure_record: [
    ['organisation_id', 'uuid'], ['id', 'uuid'], ['case_id', 'uuid'], ['person_id', 'uuid'], ['measure_code', 'text'], ['timepoint', 'text'], ['completed_on', 'date'],
    ['declined', 'bool'], ['answers', 'text', '%::jsonb'], ['scores', 'text', '%::jsonb'], ['recorded_by_user_id', 'uuid'], ['recorded_at', 'timestamptz'],
  ],
  gp_attendance: [
    ['organisation_id', 'uuid'], ['case_id', 'uuid'], ['period', 'text'], ['appointments', 'int4'], ['source', 'text'], ['recorded_by_user_id', 'uuid'], ['recorded_at', 'timestamptz'],
  ],
  /** Written in the commissioner's context: its policy lets a commissioner add the services it commissions. */
  commissioning: [['commissioner_organisation_id', 'uuid'], ['organisation_id', 'uuid'], ['added_by', 'uuid'], ['added_at', 'timestamptz']],
} as const satisfies Record<string, readonly Column[]>;

export type NationalTable = keyof typeof NATIONAL_TABLES;

/**
 * A year's tenant rows, parents before children: people, cases, referrals and their history, the
 * directory, then casework (contacts, offers, outcome measures) and the commissioners' links.
 */
export const TENANT_ORDER = [
  'programme', 'membership', 'person', 'support_case', 'referral', 'referral_event', 'referral_receipt', 'unmet_need', ...DIRECTORY_ORDER,
  'case_contact', 'offer', 'offer_event', 'programme_outcome_measure', 'programme_outcome_option', 'measure_record', 'gp_attendance', 'commissioning',
] as const;
export type TenantTable = (typeof TENANT_ORDER)[number];

export const TENANT_COLUMNS: Record<TenantTable, readonly Column[]> = { ...NATIONAL_TABLES, ...DIRECTORY_TABLES };

/**
 * Rows waiting to be written, by the organisation whose row-level security context they need. A
 * referrer's receipt is written in the receiving service's context, which its policy allows.
 */
export class RowSink {
  readonly byOrganisation = new Map<string, Map<TenantTable, Value[][]>>();

  add(organisationId: string, table: TenantTable, row: Value[]): void {
    let tables = this.byOrganisation.get(organisationId);
    if (!tables) this.byOrganisation.set(organisationId, (tables = new Map()));
    let rows = tables.get(table);
    if (!rows) tables.set(table, (rows = []));
    rows.push(row);
  }

  addAll(organisationId: string, table: TenantTable, rows: readonly Value[][]): void {
    for (const row of rows) this.add(organisationId, table, row);
  }

  rows(table: TenantTable): number {
    let n = 0;
    for (const tables of this.byOrganisation.values()) n += tables.get(table)?.length ?? 0;
    return n;
  }
}
