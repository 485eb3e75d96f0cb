import { recordAudit } from '../../platform/audit/audit.js';
import type { RequestContext } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What every case page shows at the top, whichever part of the case it is about. */
export interface CaseHeader {
  id: string;
  status: 'open' | 'paused' | 'closed';
  /** The referral that opened the case (its reference is what staff quote on the phone). */
  referral: { id: string; reference: string };
  person: {
    id: string;
    /** Preferred name if given, else given name, then family name: what the link worker calls them. */
    displayName: string;
    givenName: string;
    familyName: string;
    dateOfBirth: string;
    nhsNumber: string | null;
    postcode: string | null;
    noFixedAbode: boolean;
  };
  programme: { id: string; name: string };
  linkWorker: { id: string; name: string } | null;
  /** Never shown to the person or to referrers: staff see it to apply the programme's rules. */
  multipleDisadvantage: boolean;
  openedAt: string;
}

/**
 * Loads a case's header in the caller's organisation and records the read in the audit trail (every
 * case page shows the person's name and identifiers). `part` says which page read it.
 * Returns null when the case does not exist here; the caller maps that to 404.
 */
export async function loadCaseHeader(tx: Tx, ctx: RequestContext, caseId: string, part: string): Promise<CaseHeader | null> {
  if (!UUID.test(caseId)) return null;
  const row = await tx
    .selectFrom('supportCase as c')
    .innerJoin('person as p', (join) => join.onRef('p.organisationId', '=', 'c.organisationId').onRef('p.id', '=', 'c.personId'))
    .innerJoin('programme as g', (join) => join.onRef('g.organisationId', '=', 'c.organisationId').onRef('g.id', '=', 'c.programmeId'))
    .innerJoin('referral as r', (join) => join.onRef('r.organisationId', '=', 'c.organisationId').onRef('r.id', '=', 'c.referralId'))
    .leftJoin('appUser as lw', 'lw.id', 'c.linkWorkerUserId')
    .select([
      'c.id', 'c.status', 'c.multipleDisadvantage', 'c.openedAt', 'r.id as referralId', 'r.reference',
      'p.id as personId', 'p.givenName', 'p.familyName', 'p.preferredName', 'p.dateOfBirth', 'p.nhsNumber', 'p.postcode', 'p.noFixedAbode',
      'g.id as programmeId', 'g.name as programmeName', 'lw.id as linkWorkerId', 'lw.name as linkWorkerName',
    ])
    .where('c.organisationId', '=', ctx.organisationId)
    .where('c.id', '=', caseId)
    .executeTakeFirst();
  if (!row) return null;
  await recordAudit(tx, ctx, { action: 'case.viewed', subjectType: 'case', subjectId: row.id, detail: { person: row.personId, part } });
  return {
    id: row.id,
    status: row.status,
    referral: { id: row.referralId, reference: row.reference },
    person: {
      id: row.personId,
      displayName: `${row.preferredName || row.givenName} ${row.familyName}`,
      givenName: row.givenName,
      familyName: row.familyName,
      dateOfBirth: row.dateOfBirth,
      nhsNumber: row.nhsNumber,
      postcode: row.postcode,
      noFixedAbode: row.noFixedAbode,
    },
    programme: { id: row.programmeId, name: row.programmeName },
    linkWorker: row.linkWorkerId ? { id: row.linkWorkerId, name: row.linkWorkerName! } : null,
    multipleDisadvantage: row.multipleDisadvantage,
    openedAt: new Date(row.openedAt).toISOString(),
  };
}

/** A case's coded needs (from the referral and the "what matters" conversation), in taxonomy order. */
export async function caseNeeds(tx: Tx, organisationId: string, caseId: string): Promise<string[]> {
  const rows = await tx
    .selectFrom('caseNeed as n')
    .innerJoin('needCode as nc', 'nc.code', 'n.needCode')
    .select('n.needCode')
    .where('n.organisationId', '=', organisationId)
    .where('n.caseId', '=', caseId)
    .orderBy('nc.sortOrder')
    .execute();
  return rows.map((r) => r.needCode);
}
