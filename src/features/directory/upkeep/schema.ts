import type { ColumnType, Transaction } from 'kysely';
import type { Tx } from '../../../platform/db/database.js';
import type { DirectoryServiceChangeTable } from '../../../platform/db/directory-schema.js';
import type { DB, OutboxMessageTable } from '../../../platform/db/schema.js';

/**
 * Tables and columns added by migrations/0004_directory_upkeep.sql, typed here so the shared schema
 * files stay as they are; `upkeepTx(tx)` views a transaction with them.
 */
export interface DirectorySettingTable {
  organisationId: string;
  changesNeedApproval: boolean;
  updatedBy: string | null;
  updatedAt: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface DirectoryReviewReminderTable {
  organisationId: string;
  serviceId: string;
  providerOrganisationId: string;
  remindedOn: string;
}

export type ChangeStatus = 'pending' | 'approved' | 'rejected' | 'applied' | 'withdrawn';

export interface UpkeepChangeTable extends Omit<DirectoryServiceChangeTable, 'status'> {
  status: ColumnType<ChangeStatus, ChangeStatus | undefined, ChangeStatus>;
  decisionNote: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface UpkeepOutboxTable extends Omit<OutboxMessageTable, 'recipientKind'> {
  recipientKind: 'referrer' | 'person' | 'provider';
}

export interface UpkeepDB extends Omit<DB, 'directoryServiceChange' | 'outboxMessage'> {
  directorySetting: DirectorySettingTable;
  directoryReviewReminder: DirectoryReviewReminderTable;
  directoryServiceChange: UpkeepChangeTable;
  outboxMessage: UpkeepOutboxTable;
}

export type UpkeepTx = Transaction<UpkeepDB>;

export function upkeepTx(tx: Tx): UpkeepTx {
  return tx as unknown as UpkeepTx;
}
