import { recordAudit } from '../../platform/audit/audit.js';
import { authorize } from '../../platform/auth/policy.js';
import type { RequestContext } from '../../platform/context.js';
import type { Database, Tx } from '../../platform/db/database.js';
import { Conflict, FieldErrors, NotFound, ValidationFailed } from '../../platform/errors.js';
import { checkName, text } from '../../platform/validation.js';
import { needPolicy } from './policy.js';

/**
 * The needs taxonomy: one list shared by every service, so reports compare like with like. Platform
 * administrators curate it. Codes are stable (referrals hold them), so a need is never deleted or
 * recoded: it can be renamed, and deactivated so it is no longer offered; a deactivated need can be
 * reactivated. Two levels at most: a need, and needs within it (like "Homelessness" in "Housing").
 *
 * need_code is global (no organisation_id); each change is audited in the acting administrator's
 * current organisation, the only place an audit event can live.
 */

export interface Need {
  code: string;
  label: string;
  parentCode: string | null;
  active: boolean;
  sortOrder: number;
}

export interface NewNeed {
  code: unknown;
  label: unknown;
  parent?: unknown;
}

export const NEED_CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const NEED_CODE_MAX = 60;

async function find(tx: Tx, code: string): Promise<Need | undefined> {
  return tx.selectFrom('needCode').select(['code', 'label', 'parentCode', 'active', 'sortOrder']).where('code', '=', code).executeTakeFirst();
}

/** Another need already uses this label (case and spacing ignored): referrers could not tell them apart. */
async function labelTaken(tx: Tx, label: string, exceptCode?: string): Promise<string | undefined> {
  let query = tx.selectFrom('needCode').select('code').where((eb) => eb(eb.fn('lower', ['label']), '=', label.toLowerCase()));
  if (exceptCode) query = query.where('code', '<>', exceptCode);
  return (await query.executeTakeFirst())?.code;
}

export function createNeedService(db: Database) {
  const scope = (ctx: RequestContext) => ({ organisationId: ctx.organisationId, userId: ctx.actor.userId });

  async function change(ctx: RequestContext, rawCode: string, work: (tx: Tx, need: Need) => Promise<void>): Promise<Need> {
    const code = rawCode.trim().toLowerCase();
    return db.inScope(scope(ctx), async (tx) => {
      const need = NEED_CODE.test(code) ? await find(tx, code) : undefined;
      if (!need) throw new NotFound(`There is no need with the code "${rawCode}"`);
      await work(tx, need);
      return (await find(tx, code))!;
    });
  }

  return {
    /** Every need, active or not, parents each followed by their children. */
    async list(ctx: RequestContext): Promise<Need[]> {
      authorize(ctx, needPolicy, 'list');
      const rows = await db.kysely.selectFrom('needCode').select(['code', 'label', 'parentCode', 'active', 'sortOrder']).orderBy('sortOrder').orderBy('code').execute();
      const out: Need[] = [];
      for (const parent of rows.filter((r) => r.parentCode === null)) {
        out.push(parent);
        out.push(...rows.filter((r) => r.parentCode === parent.code));
      }
      return out;
    },

    async get(ctx: RequestContext, rawCode: string): Promise<Need & { children: Need[] }> {
      authorize(ctx, needPolicy, 'list');
      const code = rawCode.trim().toLowerCase();
      const need = NEED_CODE.test(code)
        ? await db.kysely.selectFrom('needCode').select(['code', 'label', 'parentCode', 'active', 'sortOrder']).where('code', '=', code).executeTakeFirst()
        : undefined;
      if (!need) throw new NotFound(`There is no need with the code "${rawCode}"`);
      const children = await db.kysely
        .selectFrom('needCode')
        .select(['code', 'label', 'parentCode', 'active', 'sortOrder'])
        .where('parentCode', '=', code)
        .orderBy('sortOrder')
        .orderBy('code')
        .execute();
      return { ...need, children };
    },

    async add(ctx: RequestContext, input: NewNeed): Promise<Need> {
      authorize(ctx, needPolicy, 'add');
      const code = text(input.code).toLowerCase();
      const label = text(input.label);
      const parentCode = text(input.parent).toLowerCase() || null;
      const errors = new FieldErrors();
      if (code === '') errors.add('code', 'Enter a code, like debt-advice');
      else if (!NEED_CODE.test(code) || code.length > NEED_CODE_MAX) {
        errors.add('code', `Code must use only lower-case letters, numbers and single hyphens (${NEED_CODE_MAX} characters at most), like debt-advice`);
      }
      checkName(errors, 'label', label, 'the need as referrers will see it');
      errors.throwIfAny();
      try {
        return await db.inScope(scope(ctx), async (tx) => {
          if (await find(tx, code)) errors.add('code', `A need with the code "${code}" already exists: codes are never reused`);
          const sameLabel = await labelTaken(tx, label);
          if (sameLabel) errors.add('label', `The need "${sameLabel}" is already called that`);
          let sortOrder: number;
          if (parentCode !== null) {
            const parent = await find(tx, parentCode);
            if (!parent) errors.add('parent', 'Choose a need from the list, or none');
            else if (parent.parentCode !== null) errors.add('parent', `“${parent.label}” is itself within another need: needs go two levels deep at most`);
            else if (!parent.active) errors.add('parent', `“${parent.label}” is deactivated: reactivate it first, or choose another`);
            const last = await tx
              .selectFrom('needCode')
              .select((eb) => eb.fn.max<number>('sortOrder').as('n'))
              .where((eb) => eb.or([eb('code', '=', parentCode), eb('parentCode', '=', parentCode)]))
              .executeTakeFirst();
            sortOrder = Number(last?.n ?? 0) + 1;
          } else {
            const last = await tx.selectFrom('needCode').select((eb) => eb.fn.max<number>('sortOrder').as('n')).where('parentCode', 'is', null).executeTakeFirst();
            sortOrder = Math.floor(Number(last?.n ?? 0) / 10) * 10 + 10;
          }
          errors.throwIfAny();
          const need = await tx
            .insertInto('needCode')
            .values({ code, label, parentCode, sortOrder })
            .returning(['code', 'label', 'parentCode', 'active', 'sortOrder'])
            .executeTakeFirstOrThrow();
          await recordAudit(tx, ctx, { action: 'need.added', subjectType: 'need', subjectId: code, detail: { parentCode } });
          return need;
        });
      } catch (error) {
        // Two administrators adding the same code at once: the loser hears what the winner did.
        if ((error as { code?: string }).code === '23505') throw ValidationFailed.field('code', `A need with the code "${code}" already exists: codes are never reused`);
        throw error;
      }
    },

    async rename(ctx: RequestContext, code: string, rawLabel: unknown): Promise<Need> {
      authorize(ctx, needPolicy, 'rename');
      const label = text(rawLabel);
      const errors = new FieldErrors();
      checkName(errors, 'label', label, 'the need as referrers will see it');
      errors.throwIfAny();
      return change(ctx, code, async (tx, need) => {
        if (need.label === label) throw ValidationFailed.field('label', 'This is already the need’s name: enter a new one');
        const sameLabel = await labelTaken(tx, label, need.code);
        if (sameLabel) throw ValidationFailed.field('label', `The need "${sameLabel}" is already called that`);
        await tx.updateTable('needCode').set({ label }).where('code', '=', need.code).execute();
        // Labels are not personal data; the old one helps read the trail.
        await recordAudit(tx, ctx, { action: 'need.renamed', subjectType: 'need', subjectId: need.code, detail: { from: need.label, to: label } });
      });
    },

    /** No longer offered to referrers or link workers; referrals that hold the code keep it. */
    async deactivate(ctx: RequestContext, code: string): Promise<Need> {
      authorize(ctx, needPolicy, 'deactivate');
      return change(ctx, code, async (tx, need) => {
        if (!need.active) throw new Conflict(`“${need.label}” is already deactivated`);
        const activeChildren = await tx.selectFrom('needCode').select('label').where('parentCode', '=', need.code).where('active', '=', true).orderBy('sortOrder').execute();
        if (activeChildren.length) {
          throw new Conflict(`Deactivate the needs within “${need.label}” first: ${activeChildren.map((c) => c.label).join(', ')}`);
        }
        await tx.updateTable('needCode').set({ active: false }).where('code', '=', need.code).execute();
        await recordAudit(tx, ctx, { action: 'need.deactivated', subjectType: 'need', subjectId: need.code });
      });
    },

    async reactivate(ctx: RequestContext, code: string): Promise<Need> {
      authorize(ctx, needPolicy, 'reactivate');
      return change(ctx, code, async (tx, need) => {
        if (need.active) throw new Conflict(`“${need.label}” is already active`);
        if (need.parentCode !== null) {
          const parent = await find(tx, need.parentCode);
          if (parent && !parent.active) throw new Conflict(`Reactivate “${parent.label}” first: “${need.label}” is within it`);
        }
        await tx.updateTable('needCode').set({ active: true }).where('code', '=', need.code).execute();
        await recordAudit(tx, ctx, { action: 'need.reactivated', subjectType: 'need', subjectId: need.code });
      });
    },
  };
}

export type NeedService = ReturnType<typeof createNeedService>;
