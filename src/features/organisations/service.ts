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

export function createOrganisationService(db: Database) {
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

    async listAll(actor: Actor): Promise<Organisation[]> {
      authorize({ actor, role: 'admin' }, organisationPolicy, 'list-all');
      return db.kysely.selectFrom('organisation').selectAll().orderBy('name').orderBy('id').execute();
    },
  };
}

export type OrganisationService = ReturnType<typeof createOrganisationService>;
