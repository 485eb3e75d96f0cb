import { randomUUID } from 'node:crypto';
import { recordAudit } from '../../platform/audit/audit.js';
import { authorize } from '../../platform/auth/policy.js';
import type { Actor } from '../../platform/context.js';
import type { Database } from '../../platform/db/database.js';
import { ORGANISATION_TYPES, type Organisation, type OrganisationType } from '../../platform/db/schema.js';
import { FieldErrors, NotFound, ValidationFailed } from '../../platform/errors.js';
import { checkName, checkOneOf, text } from '../../platform/validation.js';
import { organisationPolicy } from './policy.js';

export const ORGANISATION_TYPE_LABELS: Record<OrganisationType, string> = {
  'gp-practice': 'GP practice',
  'sp-service': 'Social prescribing service (PCN or other)',
  vcse: 'Voluntary or community organisation (activity provider)',
  'local-authority': 'Local authority',
  commissioner: 'Commissioner (ICB, PCN or local authority)',
  'other-referrer': 'Other referrer (hospital, housing, probation and others)',
};

export interface NewOrganisation {
  slug: unknown;
  name: unknown;
  type: unknown;
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Organisations that fund social prescribing and so may be given reports on the services they commission. */
export const COMMISSIONING_TYPES: readonly OrganisationType[] = ['commissioner', 'local-authority'];

export interface Commissioning {
  commissioner: Organisation;
  services: { id: string; name: string; commissioned: boolean }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createOrganisationService(db: Database) {
  async function commissionerById(id: string): Promise<Organisation> {
    const found = UUID.test(id) ? await db.kysely.selectFrom('organisation').selectAll().where('id', '=', id.toLowerCase()).executeTakeFirst() : undefined;
    if (!found || !COMMISSIONING_TYPES.includes(found.type)) throw new NotFound('There is no such commissioning organisation');
    return found;
  }

  return {
    async add(actor: Actor, requestId: string | null, input: NewOrganisation): Promise<Organisation> {
      authorize({ actor, role: 'admin' }, organisationPolicy, 'add');
      const slug = text(input.slug).toLowerCase();
      const name = text(input.name);
      const type = text(input.type);
      const errors = new FieldErrors();
      if (slug === '') errors.add('slug', 'Enter a short name for web addresses, like riverside-pcn');
      else if (!SLUG.test(slug) || slug.length > 60) {
        errors.add('slug', 'Short name must use only lower-case letters, numbers and single hyphens (60 at most)');
      }
      checkName(errors, 'name', name, 'the organisation’s name');
      checkOneOf(errors, 'type', type, ORGANISATION_TYPES, 'Choose the type of organisation');
      errors.throwIfAny();
      const id = randomUUID();
      return db.inScope({ organisationId: id, userId: actor.userId }, async (tx) => {
        const taken = await tx.selectFrom('organisation').select('id').where('slug', '=', slug).executeTakeFirst();
        if (taken) throw ValidationFailed.field('slug', `An organisation with the short name "${slug}" already exists`);
        const organisation = await tx
          .insertInto('organisation')
          .values({ id, slug, name, type: type as OrganisationType })
          .returningAll()
          .executeTakeFirstOrThrow();
        // A social prescribing service can receive referrals from the moment it exists.
        if (organisation.type === 'sp-service') {
          await tx.insertInto('programme').values({ organisationId: id, slug: 'social-prescribing', name: 'Social prescribing', isDefault: true }).execute();
        }
        await recordAudit(
          tx,
          { requestId, actor, organisationId: id },
          { action: 'organisation.added', subjectType: 'organisation', subjectId: id, detail: { type } },
        );
        return organisation;
      });
    },

    async bySlug(slug: string): Promise<Organisation> {
      const found = await db.kysely.selectFrom('organisation').selectAll().where('slug', '=', slug.trim().toLowerCase()).executeTakeFirst();
      if (!found) throw new NotFound(`There is no organisation with the short name "${slug}"`);
      return found;
    },

    async byId(id: string): Promise<Organisation> {
      const found = await db.kysely.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirst();
      if (!found) throw new NotFound('There is no such organisation');
      return found;
    },

    /** The social prescribing services, and which of them this commissioner commissions (platform administrators). */
    async commissioning(actor: Actor, commissionerId: string): Promise<Commissioning> {
      authorize({ actor, role: 'admin' }, organisationPolicy, 'commission');
      const commissioner = await commissionerById(commissionerId);
      return db.inScope({ organisationId: commissioner.id, userId: actor.userId }, async (tx) => {
        const services = await tx
          .selectFrom('organisation as o')
          .leftJoin('commissioning as c', (join) => join.onRef('c.organisationId', '=', 'o.id').on('c.commissionerOrganisationId', '=', commissioner.id))
          .select(['o.id', 'o.name', 'c.organisationId as commissionedId'])
          .where('o.type', '=', 'sp-service')
          .orderBy('o.name')
          .execute();
        return { commissioner, services: services.map((s) => ({ id: s.id, name: s.name, commissioned: s.commissionedId !== null })) };
      });
    },

    /**
     * Sets which services a commissioner commissions: its reports then cover exactly these. Written
     * in the commissioner's context, as the commissioning table's row-level security requires, and audited.
     */
    async setCommissioning(actor: Actor, requestId: string | null, commissionerId: string, serviceIds: unknown): Promise<Commissioning> {
      authorize({ actor, role: 'admin' }, organisationPolicy, 'commission');
      const commissioner = await commissionerById(commissionerId);
      const wanted = [...new Set((Array.isArray(serviceIds) ? serviceIds : serviceIds === undefined || serviceIds === '' ? [] : [serviceIds]).map((id) => text(id).toLowerCase()))];
      const known = wanted.length
        ? await db.kysely.selectFrom('organisation').select('id').where('type', '=', 'sp-service').where('id', 'in', wanted.filter((id) => UUID.test(id))).execute()
        : [];
      if (known.length !== wanted.length) throw ValidationFailed.field('services', 'Choose social prescribing services from the list');
      await db.inScope({ organisationId: commissioner.id, userId: actor.userId }, async (tx) => {
        const current = (await tx.selectFrom('commissioning').select('organisationId').where('commissionerOrganisationId', '=', commissioner.id).execute()).map((r) => r.organisationId);
        const added = wanted.filter((id) => !current.includes(id));
        const removed = current.filter((id) => !wanted.includes(id));
        if (removed.length) await tx.deleteFrom('commissioning').where('commissionerOrganisationId', '=', commissioner.id).where('organisationId', 'in', removed).execute();
        if (added.length) {
          await tx.insertInto('commissioning').values(added.map((organisationId) => ({ commissionerOrganisationId: commissioner.id, organisationId, addedBy: actor.userId }))).execute();
        }
        if (added.length || removed.length) {
          await recordAudit(
            tx,
            { requestId, actor, organisationId: commissioner.id },
            { action: 'commissioning.changed', subjectType: 'organisation', subjectId: commissioner.id, detail: { added: added.join(' '), removed: removed.join(' ') } },
          );
        }
      });
      return this.commissioning(actor, commissioner.id);
    },

    async listAll(actor: Actor): Promise<Organisation[]> {
      authorize({ actor, role: 'admin' }, organisationPolicy, 'list-all');
      return db.kysely.selectFrom('organisation').selectAll().orderBy('name').orderBy('id').execute();
    },
  };
}

export type OrganisationService = ReturnType<typeof createOrganisationService>;
