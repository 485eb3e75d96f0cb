import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { recordAudit, type AuditEntry } from '../../../platform/audit/audit.js';
import { authorize } from '../../../platform/auth/policy.js';
import type { RequestContext } from '../../../platform/context.js';
import { setScope, type Database, type Tx } from '../../../platform/db/database.js';
import { Conflict, NotFound, ValidationFailed } from '../../../platform/errors.js';
import { text } from '../../../platform/validation.js';
import { ATTRIBUTE_TAXONOMY_ID, SERVICE_ATTRIBUTES, type ServiceAttribute } from '../taxonomy.js';
import { upkeepPolicy } from './policy.js';
import {
  changedFields,
  dayIn,
  DETAIL_FIELDS,
  diffRows,
  FIELD_LABELS,
  mayBeOutOfDate,
  monthsBefore,
  REVIEW_AFTER_MONTHS,
  validateDetails,
  withChanges,
  type DetailChanges,
  type DetailField,
  type DiffRow,
  type ServiceDetails,
  type ServiceStatus,
} from './rules.js';
import { upkeepTx, type ChangeStatus, type UpkeepTx } from './schema.js';

/**
 * Upkeep of directory entries. A provider (the provider role in the organisation a service names as
 * its provider) edits the entry or confirms it is still correct; the curating organisation either
 * approves each change first or lets changes apply at once (its setting; approval by default).
 *
 * Row-level security: a provider can read the services it runs and the changes it proposed (policies
 * in migrations/0004), but every write belongs to the curating organisation. So each provider
 * action checks the service here first, then switches the transaction's scope to the curator to
 * write, exactly as a referral switches to the receiving service for its record.
 *
 * Every change is a directory_service_change row, kept once decided: `proposed` holds the changed
 * fields, the values they replaced (`before`), and whether the provider confirmed the details.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOT_YOURS = 'This service is not one your organisation provides, or it is no longer in a directory';
const NO_CHANGE = 'There is no such change in your organisation’s directory';
const iso = (value: Date | string) => new Date(value).toISOString();

/** What a change row's `proposed` holds. */
export interface Proposal {
  changes: DetailChanges;
  /** The values the changed fields had: when proposed, then (once applied) the values replaced. */
  before: DetailChanges;
  confirmVerified: boolean;
  /** The day the provider confirmed the details; last_verified becomes this when applied. */
  confirmedOn: string | null;
}

function proposalOf(raw: unknown): Proposal {
  const value = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Partial<Proposal> | null;
  return {
    changes: value?.changes ?? {},
    before: value?.before ?? {},
    confirmVerified: value?.confirmVerified === true,
    confirmedOn: typeof value?.confirmedOn === 'string' ? value.confirmedOn : null,
  };
}

function pick(details: ServiceDetails, fields: readonly string[]): DetailChanges {
  return Object.fromEntries(fields.map((f) => [f, details[f as DetailField]])) as DetailChanges;
}

function fieldLabels(changes: DetailChanges): string[] {
  return DETAIL_FIELDS.filter((f) => f in changes).map((f) => FIELD_LABELS[f]);
}

export interface ServiceSummary {
  id: string;
  name: string;
  directory: { id: string; name: string };
  status: ServiceStatus;
  published: boolean;
  lastVerified: string | null;
  lastModified: Date;
  mayBeOutOfDate: boolean;
}

export interface ProviderServiceItem extends ServiceSummary {
  pending: { id: string; proposedAt: Date } | null;
}

export interface HistoryItem {
  id: string;
  status: ChangeStatus;
  proposedAt: Date;
  proposedByName: string | null;
  decidedAt: Date | null;
  fields: string[];
  confirmVerified: boolean;
  note: string | null;
}

export interface ProviderServiceView {
  service: ServiceSummary;
  live: ServiceDetails;
  pending: { id: string; proposedAt: Date; proposed: ServiceDetails; diff: DiffRow[]; confirmVerified: boolean } | null;
  needsApproval: boolean;
  /** Sent back with an edit: if the entry or the waiting change moved on meanwhile, the edit is refused (409). */
  basis: string;
  history: HistoryItem[];
}

export type ProposalOutcome = 'pending' | 'applied' | 'verified' | 'withdrawn' | 'unchanged';

export interface PendingChangeItem {
  id: string;
  service: { id: string; name: string };
  provider: string | null;
  proposedByName: string | null;
  proposedAt: Date;
  fields: string[];
  confirmVerified: boolean;
}

export interface StaleServiceItem {
  id: string;
  name: string;
  provider: string | null;
  lastVerified: string | null;
  remindedOn: string | null;
  published: boolean;
}

export interface CurationView {
  pending: PendingChangeItem[];
  stale: StaleServiceItem[];
  /** More stale services than listed. */
  staleMore: boolean;
  recent: { id: string; service: string; status: ChangeStatus; decidedAt: Date | null; fields: string[] }[];
  changesNeedApproval: boolean;
}

export interface ChangeView {
  id: string;
  status: ChangeStatus;
  service: { id: string; name: string; lastVerified: string | null };
  provider: string | null;
  proposedByName: string | null;
  proposedAt: Date;
  decidedAt: Date | null;
  decidedByName: string | null;
  note: string | null;
  confirmVerified: boolean;
  confirmedOn: string | null;
  diff: DiffRow[];
}

const SERVICE_COLUMNS = [
  'name',
  'description',
  'url',
  'email',
  'feesDescription',
  'eligibilityDescription',
  'minimumAge',
  'maximumAge',
  'status',
] as const satisfies readonly DetailField[];

/** The editable details of services in one directory, with each service's first phone number and its attributes. */
export async function loadDetails(tx: Tx, organisationId: string, serviceIds: readonly string[]): Promise<Map<string, ServiceDetails>> {
  const found = new Map<string, ServiceDetails>();
  if (serviceIds.length === 0) return found;
  const ids = [...serviceIds];
  const [services, phones, attributes] = [
    await tx.selectFrom('directoryService').select(['id', ...SERVICE_COLUMNS]).where('organisationId', '=', organisationId).where('id', 'in', ids).execute(),
    await tx
      .selectFrom('directoryPhone')
      .select(['serviceId', 'number'])
      .where('organisationId', '=', organisationId)
      .where('serviceId', 'in', ids)
      .orderBy('serviceId')
      .orderBy('id')
      .execute(),
    await tx
      .selectFrom('directoryAttribute as a')
      .innerJoin('directoryTaxonomyTerm as t', 't.id', 'a.taxonomyTermId')
      .select(['a.linkId', 't.code'])
      .where('a.organisationId', '=', organisationId)
      .where('a.linkEntity', '=', 'service')
      .where('a.linkId', 'in', ids)
      .where('t.taxonomyId', '=', ATTRIBUTE_TAXONOMY_ID)
      .execute(),
  ];
  for (const s of services) {
    const codes = new Set(attributes.filter((a) => a.linkId === s.id).map((a) => a.code));
    found.set(s.id, {
      name: s.name,
      description: s.description,
      url: s.url,
      email: s.email,
      phone: phones.find((p) => p.serviceId === s.id)?.number ?? null,
      feesDescription: s.feesDescription,
      eligibilityDescription: s.eligibilityDescription,
      minimumAge: s.minimumAge,
      maximumAge: s.maximumAge,
      status: s.status,
      attributes: SERVICE_ATTRIBUTES.filter((a) => codes.has(a)),
    });
  }
  return found;
}

async function detailsOf(tx: Tx, organisationId: string, serviceId: string): Promise<ServiceDetails> {
  const details = (await loadDetails(tx, organisationId, [serviceId])).get(serviceId);
  if (!details) throw new NotFound(NOT_YOURS);
  return details;
}

/**
 * Writes changed fields to the service (in the curating organisation's scope): its columns, its
 * first phone number and its Linkwork attributes. last_modified moves only when content changed;
 * last_verified moves forward to the day the provider confirmed the details.
 */
async function applyChanges(tx: Tx, organisationId: string, serviceId: string, changes: DetailChanges, confirmedOn: string | null, at: Date): Promise<void> {
  const patch: Record<string, unknown> = {};
  for (const column of SERVICE_COLUMNS) if (column in changes) patch[column] = changes[column];
  if (Object.keys(changes).length > 0) patch.lastModified = at;
  if (confirmedOn) patch.lastVerified = sql<string>`greatest(last_verified, ${confirmedOn}::date)`;
  if (Object.keys(patch).length > 0) {
    await tx.updateTable('directoryService').set(patch).where('organisationId', '=', organisationId).where('id', '=', serviceId).execute();
  }
  if ('phone' in changes) {
    const first = await tx
      .selectFrom('directoryPhone')
      .select('id')
      .where('organisationId', '=', organisationId)
      .where('serviceId', '=', serviceId)
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    const number = changes.phone ?? null;
    if (number === null) {
      if (first) await tx.deleteFrom('directoryPhone').where('organisationId', '=', organisationId).where('id', '=', first.id).execute();
    } else if (first) {
      await tx.updateTable('directoryPhone').set({ number }).where('organisationId', '=', organisationId).where('id', '=', first.id).execute();
    } else {
      await tx
        .insertInto('directoryPhone')
        .values({ organisationId, id: randomUUID(), serviceId, locationId: null, contactId: null, directoryOrganizationId: null, number, extension: null, type: null, description: null })
        .execute();
    }
  }
  if ('attributes' in changes) {
    const terms = await tx.selectFrom('directoryTaxonomyTerm').select(['id', 'code']).where('taxonomyId', '=', ATTRIBUTE_TAXONOMY_ID).execute();
    await tx
      .deleteFrom('directoryAttribute')
      .where('organisationId', '=', organisationId)
      .where('linkEntity', '=', 'service')
      .where('linkId', '=', serviceId)
      .where('taxonomyTermId', 'in', terms.map((t) => t.id))
      .execute();
    const wanted = (changes.attributes ?? []) as ServiceAttribute[];
    const rows = terms
      .filter((t) => t.code !== null && (wanted as string[]).includes(t.code))
      .map((t) => ({ organisationId, id: randomUUID(), linkId: serviceId, linkType: 'service', linkEntity: 'service', taxonomyTermId: t.id, value: null, label: null }));
    if (rows.length > 0) await tx.insertInto('directoryAttribute').values(rows).execute();
  }
}

async function approvalNeeded(u: UpkeepTx, organisationId: string): Promise<boolean> {
  const row = await u.selectFrom('directorySetting').select('changesNeedApproval').where('organisationId', '=', organisationId).executeTakeFirst();
  return row?.changesNeedApproval ?? true;
}

export function createDirectoryUpkeepService(db: Database, clock: () => Date = () => new Date()) {
  interface ProviderService {
    id: string;
    organisationId: string;
    name: string;
    status: ServiceStatus;
    published: boolean;
    lastVerified: string | null;
    lastModified: Date;
    directoryName: string;
  }

  /**
   * Runs `work` in one transaction, in the provider's own scope, once the service is known to be
   * provided by the actor's organisation: role first (403), then the service (404).
   */
  async function asProvider<T>(ctx: RequestContext, serviceId: string, work: (tx: Tx, service: ProviderService) => Promise<T>): Promise<T> {
    authorize(ctx, upkeepPolicy, 'maintain');
    if (!UUID.test(serviceId)) throw new NotFound(NOT_YOURS);
    return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
      const service = await tx
        .selectFrom('directoryService as s')
        .innerJoin('organisation as o', 'o.id', 's.organisationId')
        .select(['s.id', 's.organisationId', 's.name', 's.status', 's.published', 's.lastVerified', 's.lastModified', 'o.name as directoryName'])
        .where('s.id', '=', serviceId.toLowerCase())
        .where('s.providerOrganisationId', '=', ctx.organisationId)
        .executeTakeFirst();
      if (!service) throw new NotFound(NOT_YOURS);
      return work(tx, service);
    });
  }

  /** Audited in the directory's organisation and in the provider's own, then left in the provider's scope. */
  async function auditBoth(tx: Tx, ctx: RequestContext, curatorId: string, entry: AuditEntry): Promise<void> {
    await setScope(tx, { organisationId: curatorId, userId: ctx.actor.userId });
    await recordAudit(tx, { ...ctx, organisationId: curatorId }, { ...entry, detail: { ...entry.detail, providerOrganisationId: ctx.organisationId } });
    await setScope(tx, { organisationId: ctx.organisationId, userId: ctx.actor.userId });
    await recordAudit(tx, ctx, { ...entry, detail: { ...entry.detail, directoryOrganisationId: curatorId } });
  }

  async function pendingChange(u: UpkeepTx, organisationId: string, serviceId: string, lock = false) {
    let query = u
      .selectFrom('directoryServiceChange')
      .select(['id', 'proposed', 'proposedAt'])
      .where('organisationId', '=', organisationId)
      .where('serviceId', '=', serviceId)
      .where('status', '=', 'pending');
    if (lock) query = query.forUpdate();
    return query.executeTakeFirst();
  }

  function basisOf(lastModified: Date, pending: { proposedAt: Date } | undefined): string {
    return `${iso(lastModified)}|${pending ? iso(pending.proposedAt) : ''}`;
  }

  /** Locks the service in the curator's scope and refuses an edit made from an out-of-date page. */
  async function lockForEdit(tx: Tx, ctx: RequestContext, service: ProviderService, basis: string | undefined) {
    await setScope(tx, { organisationId: service.organisationId, userId: ctx.actor.userId });
    const locked = await tx
      .selectFrom('directoryService')
      .select(['lastModified', 'providerOrganisationId'])
      .where('organisationId', '=', service.organisationId)
      .where('id', '=', service.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const u = upkeepTx(tx);
    const pending = await pendingChange(u, service.organisationId, service.id, true);
    if (basis !== undefined && basis !== basisOf(locked.lastModified, pending)) {
      throw new Conflict('These details were changed by someone else after you opened this page. Check the details now shown and make your changes again.');
    }
    return { u, pending };
  }

  async function withdraw(u: UpkeepTx, organisationId: string, changeId: string, userId: string | null, at: Date): Promise<void> {
    await u
      .updateTable('directoryServiceChange')
      .set({ status: 'withdrawn', decidedBy: userId, decidedAt: at })
      .where('organisationId', '=', organisationId)
      .where('id', '=', changeId)
      .execute();
  }

  async function history(tx: Tx, serviceId: string, organisationId: string, proposerOrganisationId?: string): Promise<HistoryItem[]> {
    let query = upkeepTx(tx)
      .selectFrom('directoryServiceChange as c')
      .leftJoin('appUser as u', 'u.id', 'c.proposedBy')
      .select(['c.id', 'c.status', 'c.proposedAt', 'c.decidedAt', 'c.proposed', 'c.decisionNote', 'u.name as proposedByName'])
      .where('c.organisationId', '=', organisationId)
      .where('c.serviceId', '=', serviceId);
    if (proposerOrganisationId) query = query.where('c.proposedByOrganisationId', '=', proposerOrganisationId);
    const rows = await query.orderBy('c.proposedAt', 'desc').limit(50).execute();
    return rows.map((row) => {
      const proposal = proposalOf(row.proposed);
      return {
        id: row.id,
        status: row.status,
        proposedAt: row.proposedAt,
        proposedByName: row.proposedByName,
        decidedAt: row.decidedAt,
        fields: fieldLabels(proposal.changes),
        confirmVerified: proposal.confirmVerified,
        note: row.decisionNote,
      };
    });
  }

  return {
    /** The services the actor's organisation provides, in every directory that lists them. */
    async listForProvider(ctx: RequestContext): Promise<ProviderServiceItem[]> {
      authorize(ctx, upkeepPolicy, 'maintain');
      const today = dayIn(clock());
      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        const rows = await upkeepTx(tx)
          .selectFrom('directoryService as s')
          .innerJoin('organisation as o', 'o.id', 's.organisationId')
          .leftJoin('directoryServiceChange as c', (join) =>
            join.onRef('c.organisationId', '=', 's.organisationId').onRef('c.serviceId', '=', 's.id').on('c.status', '=', 'pending'),
          )
          .select(['s.id', 's.name', 's.status', 's.published', 's.lastVerified', 's.lastModified', 'o.id as directoryId', 'o.name as directoryName', 'c.id as pendingId', 'c.proposedAt'])
          .where('s.providerOrganisationId', '=', ctx.organisationId)
          .orderBy('o.name')
          .orderBy('s.name')
          .orderBy('s.id')
          .execute();
        return rows.map((r) => ({
          id: r.id,
          name: r.name,
          directory: { id: r.directoryId, name: r.directoryName },
          status: r.status,
          published: r.published,
          lastVerified: r.lastVerified,
          lastModified: r.lastModified,
          mayBeOutOfDate: mayBeOutOfDate(r.lastVerified, today),
          pending: r.pendingId && r.proposedAt ? { id: r.pendingId, proposedAt: r.proposedAt } : null,
        }));
      });
    },

    /** One service as its provider sees it: the live details, any change waiting, and its history. */
    async getForProvider(ctx: RequestContext, serviceId: string): Promise<ProviderServiceView> {
      const today = dayIn(clock());
      return asProvider(ctx, serviceId, async (tx, service) => {
        const live = await detailsOf(tx, service.organisationId, service.id);
        const u = upkeepTx(tx);
        const pendingRow = await pendingChange(u, service.organisationId, service.id);
        const items = await history(tx, service.id, service.organisationId, ctx.organisationId);
        // The directory's setting is the curator's row: read in its scope, then back.
        await setScope(tx, { organisationId: service.organisationId, userId: ctx.actor.userId });
        const needsApproval = await approvalNeeded(u, service.organisationId);
        await setScope(tx, { organisationId: ctx.organisationId, userId: ctx.actor.userId });
        let pending: ProviderServiceView['pending'] = null;
        if (pendingRow) {
          const proposal = proposalOf(pendingRow.proposed);
          pending = {
            id: pendingRow.id,
            proposedAt: pendingRow.proposedAt,
            proposed: withChanges(live, proposal.changes),
            diff: diffRows(live, proposal.changes),
            confirmVerified: proposal.confirmVerified,
          };
        }
        return {
          service: {
            id: service.id,
            name: service.name,
            directory: { id: service.organisationId, name: service.directoryName },
            status: service.status,
            published: service.published,
            lastVerified: service.lastVerified,
            lastModified: service.lastModified,
            mayBeOutOfDate: mayBeOutOfDate(service.lastVerified, today),
          },
          live,
          pending,
          needsApproval,
          basis: basisOf(service.lastModified, pendingRow ?? undefined),
          history: items,
        };
      });
    },

    /**
     * A provider's edit. With approval on it becomes (or revises) the one change waiting for the
     * service; with approval off it applies at once. An edit identical to the live entry withdraws
     * a waiting change; with `confirm` it still records that the details were checked today.
     */
    async propose(
      ctx: RequestContext,
      serviceId: string,
      input: Record<string, unknown>,
      options: { confirm?: boolean; basis?: string } = {},
    ): Promise<{ outcome: ProposalOutcome; changeId: string | null }> {
      authorize(ctx, upkeepPolicy, 'maintain');
      const details = validateDetails(input);
      return asProvider(ctx, serviceId, async (tx, service) => {
        const curator = service.organisationId;
        const { u, pending } = await lockForEdit(tx, ctx, service, options.basis);
        const live = await detailsOf(tx, curator, service.id);
        const changes = changedFields(live, details);
        const fields = Object.keys(changes);
        const at = clock();
        const confirmedOn = options.confirm ? dayIn(at) : null;
        const proposal: Proposal = { changes, before: pick(live, fields), confirmVerified: Boolean(options.confirm), confirmedOn };
        const subject = { subjectType: 'directory-service', subjectId: service.id };

        if (fields.length === 0) {
          if (pending) {
            await withdraw(u, curator, pending.id, ctx.actor.userId, at);
            await auditBoth(tx, ctx, curator, { action: 'directory.change-withdrawn', ...subject, detail: { changeId: pending.id } });
          }
          if (!confirmedOn) return { outcome: pending ? 'withdrawn' : 'unchanged', changeId: pending?.id ?? null };
          await setScope(tx, { organisationId: curator, userId: ctx.actor.userId });
          return { outcome: 'verified', changeId: await verify(tx, ctx, service, confirmedOn, at) };
        }

        if (await approvalNeeded(u, curator)) {
          let changeId: string;
          if (pending) {
            changeId = pending.id;
            await u
              .updateTable('directoryServiceChange')
              // proposed_at is typed insert-only in the shared schema; a revised change is proposed again now.
              .set({ proposed: JSON.stringify(proposal), proposedAt: at, proposedBy: ctx.actor.userId, proposedByOrganisationId: ctx.organisationId } as never)
              .where('organisationId', '=', curator)
              .where('id', '=', pending.id)
              .execute();
          } else {
            changeId = randomUUID();
            await u
              .insertInto('directoryServiceChange')
              .values({ organisationId: curator, id: changeId, serviceId: service.id, proposed: JSON.stringify(proposal), status: 'pending', proposedBy: ctx.actor.userId, proposedByOrganisationId: ctx.organisationId, proposedAt: at, decidedBy: null, decidedAt: null })
              .execute();
          }
          await auditBoth(tx, ctx, curator, { action: 'directory.change-proposed', ...subject, detail: { changeId, fields: fields.join(','), revised: Boolean(pending) } });
          return { outcome: 'pending', changeId };
        }

        if (pending) await withdraw(u, curator, pending.id, ctx.actor.userId, at);
        await applyChanges(tx, curator, service.id, changes, confirmedOn, at);
        const changeId = randomUUID();
        await u
          .insertInto('directoryServiceChange')
          .values({ organisationId: curator, id: changeId, serviceId: service.id, proposed: JSON.stringify(proposal), status: 'applied', proposedBy: ctx.actor.userId, proposedByOrganisationId: ctx.organisationId, proposedAt: at, decidedBy: ctx.actor.userId, decidedAt: at })
          .execute();
        await auditBoth(tx, ctx, curator, { action: 'directory.change-applied', ...subject, detail: { changeId, fields: fields.join(','), verified: Boolean(confirmedOn) } });
        return { outcome: 'applied', changeId };
      });
    },

    /** "These details are still correct": last_verified becomes today, at once (nothing to approve). */
    async confirmStillCorrect(ctx: RequestContext, serviceId: string, options: { basis?: string } = {}): Promise<{ changeId: string }> {
      return asProvider(ctx, serviceId, async (tx, service) => {
        const { pending } = await lockForEdit(tx, ctx, service, options.basis);
        if (pending) {
          throw new Conflict('Your changes to this service are waiting for approval. To confirm the details, tick “I confirm these details are correct” and send your changes again.');
        }
        const at = clock();
        return { changeId: await verify(tx, ctx, service, dayIn(at), at) };
      });
    },

    /** The curator's view: changes waiting, services that may be out of date, recent decisions, the setting. */
    async curation(ctx: RequestContext): Promise<CurationView> {
      authorize(ctx, upkeepPolicy, 'curate');
      const threshold = monthsBefore(dayIn(clock()), REVIEW_AFTER_MONTHS);
      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        const u = upkeepTx(tx);
        const pending = await u
          .selectFrom('directoryServiceChange as c')
          .innerJoin('directoryService as s', (join) => join.onRef('s.organisationId', '=', 'c.organisationId').onRef('s.id', '=', 'c.serviceId'))
          .leftJoin('organisation as p', 'p.id', 'c.proposedByOrganisationId')
          .leftJoin('appUser as u', 'u.id', 'c.proposedBy')
          .select(['c.id', 'c.proposed', 'c.proposedAt', 's.id as serviceId', 's.name as serviceName', 'p.name as provider', 'u.name as proposedByName'])
          .where('c.organisationId', '=', ctx.organisationId)
          .where('c.status', '=', 'pending')
          .orderBy('c.proposedAt')
          .execute();
        const stale = await u
          .selectFrom('directoryService as s')
          .leftJoin('organisation as p', 'p.id', 's.providerOrganisationId')
          .leftJoin('directoryReviewReminder as r', (join) => join.onRef('r.organisationId', '=', 's.organisationId').onRef('r.serviceId', '=', 's.id'))
          .select(['s.id', 's.name', 's.lastVerified', 's.published', 'p.name as provider', 'r.remindedOn'])
          .where('s.organisationId', '=', ctx.organisationId)
          .where('s.status', '<>', 'defunct')
          .where((eb) => eb.or([eb('s.lastVerified', 'is', null), eb('s.lastVerified', '<=', threshold)]))
          .orderBy(sql`s.last_verified ASC NULLS FIRST`)
          .orderBy('s.name')
          .orderBy('s.id')
          .limit(201)
          .execute();
        const recent = await u
          .selectFrom('directoryServiceChange as c')
          .innerJoin('directoryService as s', (join) => join.onRef('s.organisationId', '=', 'c.organisationId').onRef('s.id', '=', 'c.serviceId'))
          .select(['c.id', 'c.status', 'c.decidedAt', 'c.proposed', 's.name'])
          .where('c.organisationId', '=', ctx.organisationId)
          .where('c.status', 'in', ['approved', 'rejected', 'applied'])
          .orderBy('c.decidedAt', 'desc')
          .limit(20)
          .execute();
        return {
          pending: pending.map((p) => {
            const proposal = proposalOf(p.proposed);
            return {
              id: p.id,
              service: { id: p.serviceId, name: p.serviceName },
              provider: p.provider,
              proposedByName: p.proposedByName,
              proposedAt: p.proposedAt,
              fields: fieldLabels(proposal.changes),
              confirmVerified: proposal.confirmVerified,
            };
          }),
          stale: stale.slice(0, 200),
          staleMore: stale.length > 200,
          recent: recent.map((r) => {
            const proposal = proposalOf(r.proposed);
            const fields = fieldLabels(proposal.changes);
            return { id: r.id, service: r.name, status: r.status, decidedAt: r.decidedAt, fields: fields.length ? fields : proposal.confirmVerified ? ['Confirmed still correct'] : [] };
          }),
          changesNeedApproval: await approvalNeeded(u, ctx.organisationId),
        };
      });
    },

    /** One change in the curator's directory, with field, current and proposed value. */
    async getChange(ctx: RequestContext, changeId: string): Promise<ChangeView> {
      authorize(ctx, upkeepPolicy, 'curate');
      if (!UUID.test(changeId)) throw new NotFound(NO_CHANGE);
      return db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        const row = await upkeepTx(tx)
          .selectFrom('directoryServiceChange as c')
          .innerJoin('directoryService as s', (join) => join.onRef('s.organisationId', '=', 'c.organisationId').onRef('s.id', '=', 'c.serviceId'))
          .leftJoin('organisation as p', 'p.id', 'c.proposedByOrganisationId')
          .leftJoin('appUser as u', 'u.id', 'c.proposedBy')
          .leftJoin('appUser as d', 'd.id', 'c.decidedBy')
          .select([
            'c.id', 'c.status', 'c.proposed', 'c.proposedAt', 'c.decidedAt', 'c.decisionNote', 's.id as serviceId', 's.name as serviceName',
            's.lastVerified', 'p.name as provider', 'u.name as proposedByName', 'd.name as decidedByName',
          ])
          .where('c.organisationId', '=', ctx.organisationId)
          .where('c.id', '=', changeId.toLowerCase())
          .executeTakeFirst();
        if (!row) throw new NotFound(NO_CHANGE);
        const proposal = proposalOf(row.proposed);
        const live = await detailsOf(tx, ctx.organisationId, row.serviceId);
        // Waiting: against the entry as it is now. Decided: against what it replaced.
        const base = row.status === 'pending' ? live : withChanges(live, proposal.before);
        return {
          id: row.id,
          status: row.status,
          service: { id: row.serviceId, name: row.serviceName, lastVerified: row.lastVerified },
          provider: row.provider,
          proposedByName: row.proposedByName,
          proposedAt: row.proposedAt,
          decidedAt: row.decidedAt,
          decidedByName: row.decidedByName,
          note: row.decisionNote,
          confirmVerified: proposal.confirmVerified,
          confirmedOn: proposal.confirmedOn,
          diff: diffRows(base, proposal.changes),
        };
      });
    },

    /** Applies a waiting change to the directory, audited `directory.change-approved`. */
    async approve(ctx: RequestContext, changeId: string): Promise<void> {
      authorize(ctx, upkeepPolicy, 'curate');
      if (!UUID.test(changeId)) throw new NotFound(NO_CHANGE);
      await db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        const u = upkeepTx(tx);
        const change = await decidable(u, ctx.organisationId, changeId, 'approved');
        const service = await tx
          .selectFrom('directoryService')
          .select(['providerOrganisationId'])
          .where('organisationId', '=', ctx.organisationId)
          .where('id', '=', change.serviceId)
          .forUpdate()
          .executeTakeFirst();
        if (!service) throw new NotFound(NO_CHANGE);
        if (service.providerOrganisationId !== change.proposedByOrganisationId) {
          throw new Conflict('The organisation that proposed this change no longer provides the service, so it cannot be approved. Reject it instead.');
        }
        const proposal = proposalOf(change.proposed);
        const live = await detailsOf(tx, ctx.organisationId, change.serviceId);
        const at = clock();
        await applyChanges(tx, ctx.organisationId, change.serviceId, proposal.changes, proposal.confirmedOn, at);
        const applied: Proposal = { ...proposal, before: pick(live, Object.keys(proposal.changes)) };
        await u
          .updateTable('directoryServiceChange')
          .set({ status: 'approved', decidedBy: ctx.actor.userId, decidedAt: at, proposed: JSON.stringify(applied) })
          .where('organisationId', '=', ctx.organisationId)
          .where('id', '=', change.id)
          .execute();
        await recordAudit(tx, ctx, {
          action: 'directory.change-approved',
          subjectType: 'directory-service',
          subjectId: change.serviceId,
          detail: { changeId: change.id, fields: Object.keys(proposal.changes).join(','), verified: Boolean(proposal.confirmedOn) },
        });
      });
    },

    /** Leaves the entry as it is; the provider sees the decision and the reason, if one is given. */
    async reject(ctx: RequestContext, changeId: string, rawNote: unknown): Promise<void> {
      authorize(ctx, upkeepPolicy, 'curate');
      if (!UUID.test(changeId)) throw new NotFound(NO_CHANGE);
      const note = text(rawNote);
      if (note.length > 1000) throw ValidationFailed.field('note', 'The reason must be 1,000 characters or fewer');
      await db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        const u = upkeepTx(tx);
        const change = await decidable(u, ctx.organisationId, changeId, 'rejected');
        await u
          .updateTable('directoryServiceChange')
          .set({ status: 'rejected', decidedBy: ctx.actor.userId, decidedAt: clock(), decisionNote: note === '' ? null : note })
          .where('organisationId', '=', ctx.organisationId)
          .where('id', '=', change.id)
          .execute();
        await recordAudit(tx, ctx, {
          action: 'directory.change-rejected',
          subjectType: 'directory-service',
          subjectId: change.serviceId,
          detail: { changeId: change.id, withReason: note !== '' },
        });
      });
    },

    async setChangesNeedApproval(ctx: RequestContext, raw: unknown): Promise<boolean> {
      authorize(ctx, upkeepPolicy, 'change-settings');
      const value = text(raw);
      if (value !== 'yes' && value !== 'no') throw ValidationFailed.field('changesNeedApproval', 'Choose whether providers’ changes need approval');
      const changesNeedApproval = value === 'yes';
      await db.inScope({ organisationId: ctx.organisationId, userId: ctx.actor.userId }, async (tx) => {
        const u = upkeepTx(tx);
        const before = await approvalNeeded(u, ctx.organisationId);
        await u
          .insertInto('directorySetting')
          .values({ organisationId: ctx.organisationId, changesNeedApproval, updatedBy: ctx.actor.userId, updatedAt: clock() })
          .onConflict((oc) => oc.column('organisationId').doUpdateSet({ changesNeedApproval, updatedBy: ctx.actor.userId, updatedAt: clock() }))
          .execute();
        if (before !== changesNeedApproval) {
          await recordAudit(tx, ctx, { action: 'directory.settings-changed', subjectType: 'directory', subjectId: ctx.organisationId, detail: { changesNeedApproval } });
        }
      });
      return changesNeedApproval;
    },
  };

  /** Records a confirmation (in the curator's scope, which the caller has set) and audits it in both organisations. */
  async function verify(tx: Tx, ctx: RequestContext, service: { id: string; organisationId: string }, confirmedOn: string, at: Date): Promise<string> {
    await applyChanges(tx, service.organisationId, service.id, {}, confirmedOn, at);
    const changeId = randomUUID();
    const proposal: Proposal = { changes: {}, before: {}, confirmVerified: true, confirmedOn };
    await upkeepTx(tx)
      .insertInto('directoryServiceChange')
      .values({ organisationId: service.organisationId, id: changeId, serviceId: service.id, proposed: JSON.stringify(proposal), status: 'applied', proposedBy: ctx.actor.userId, proposedByOrganisationId: ctx.organisationId, proposedAt: at, decidedBy: ctx.actor.userId, decidedAt: at })
      .execute();
    await auditBoth(tx, ctx, service.organisationId, { action: 'directory.service-verified', subjectType: 'directory-service', subjectId: service.id, detail: { changeId, verifiedOn: confirmedOn } });
    return changeId;
  }

  async function decidable(u: UpkeepTx, organisationId: string, changeId: string, decision: 'approved' | 'rejected') {
    const change = await u
      .selectFrom('directoryServiceChange')
      .select(['id', 'serviceId', 'status', 'proposed', 'proposedByOrganisationId'])
      .where('organisationId', '=', organisationId)
      .where('id', '=', changeId.toLowerCase())
      .forUpdate()
      .executeTakeFirst();
    if (!change) throw new NotFound(NO_CHANGE);
    if (change.status !== 'pending') {
      const now = { approved: 'approved', rejected: 'rejected', applied: 'applied', withdrawn: 'withdrawn by the provider', pending: 'waiting' }[change.status];
      throw new Conflict(`This change has already been ${now}, so it cannot be ${decision} now`);
    }
    return change;
  }
}

export type DirectoryUpkeepService = ReturnType<typeof createDirectoryUpkeepService>;
