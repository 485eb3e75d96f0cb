import { randomUUID } from 'node:crypto';
import { sql, type Insertable } from 'kysely';
import type { Database, Tx } from '../../../platform/db/database.js';
import type { DB } from '../../../platform/db/schema.js';

/**
 * For tests: writes directory rows straight into the tables, as the curating organisation (so
 * row-level security checks each insert), with fresh UUIDs. Each helper returns the new id.
 */
export class DirectoryWriter {
  constructor(
    private readonly tx: Tx,
    readonly organisationId: string,
  ) {}

  private async add<T extends keyof DB & string>(table: T, values: Record<string, unknown>): Promise<string> {
    const id = (values.id as string | undefined) ?? randomUUID();
    await this.tx
      .insertInto(table)
      .values({ organisationId: this.organisationId, ...values, id } as unknown as Insertable<DB[T]>)
      .execute();
    return id;
  }

  organization(values: Partial<Insertable<DB['directoryOrganization']>> = {}) {
    return this.add('directoryOrganization', { name: 'Organization', ...values });
  }

  service(directoryOrganizationId: string, values: Partial<Insertable<DB['directoryService']>> = {}) {
    return this.add('directoryService', { directoryOrganizationId, name: 'Service', ...values });
  }

  location(values: Partial<Insertable<DB['directoryLocation']>> = {}) {
    return this.add('directoryLocation', { ...values });
  }

  serviceAtLocation(serviceId: string, locationId: string, values: Partial<Insertable<DB['directoryServiceAtLocation']>> = {}) {
    return this.add('directoryServiceAtLocation', { serviceId, locationId, ...values });
  }

  /** Raw SQL: the camel-case plugin maps `address1` to address1, not address_1. */
  async address(locationId: string, values: { address1?: string; address2?: string; city?: string; stateProvince?: string; postalCode?: string } = {}) {
    const id = randomUUID();
    await sql`INSERT INTO directory_address (organisation_id, id, location_id, address_1, address_2, city, state_province, postal_code)
      VALUES (${this.organisationId}, ${id}, ${locationId}, ${values.address1 ?? '1 High Street'}, ${values.address2 ?? null}, ${values.city ?? 'Town'},
              ${values.stateProvince ?? 'County'}, ${values.postalCode ?? 'AB1 2CD'})`.execute(this.tx);
    return id;
  }

  accessibility(locationId: string, values: Partial<Insertable<DB['directoryAccessibility']>> = {}) {
    return this.add('directoryAccessibility', { locationId, ...values });
  }

  contact(values: Partial<Insertable<DB['directoryContact']>>) {
    return this.add('directoryContact', values);
  }

  phone(values: Partial<Insertable<DB['directoryPhone']>> & { number: string }) {
    return this.add('directoryPhone', values);
  }

  schedule(values: Partial<Insertable<DB['directorySchedule']>>) {
    return this.add('directorySchedule', values);
  }

  language(values: Partial<Insertable<DB['directoryLanguage']>>) {
    return this.add('directoryLanguage', values);
  }

  serviceArea(serviceId: string, values: Partial<Insertable<DB['directoryServiceArea']>> = {}) {
    return this.add('directoryServiceArea', { serviceId, ...values });
  }

  funding(values: Partial<Insertable<DB['directoryFunding']>>) {
    return this.add('directoryFunding', values);
  }

  costOption(serviceId: string, values: Partial<Insertable<DB['directoryCostOption']>> = {}) {
    return this.add('directoryCostOption', { serviceId, ...values });
  }

  attribute(linkEntity: string, linkId: string, taxonomyTermId: string, values: Partial<Insertable<DB['directoryAttribute']>> = {}) {
    return this.add('directoryAttribute', { linkEntity, linkId, taxonomyTermId, ...values });
  }
}

/** Runs `work` as the curating organisation, in one transaction. */
export function asCurator<T>(db: Database, organisationId: string, work: (w: DirectoryWriter) => Promise<T>): Promise<T> {
  return db.inScope({ organisationId, userId: null }, (tx) => work(new DirectoryWriter(tx, organisationId)));
}

/** Shared reference data (no row-level security): a taxonomy with terms, fresh ids. */
export async function insertTaxonomy(db: Database, name: string, terms: { name: string; code?: string; parent?: string; description?: string }[]) {
  const taxonomyId = randomUUID();
  const ids: Record<string, string> = {};
  await db.inScope({ organisationId: null, userId: null }, async (tx) => {
    await tx.insertInto('directoryTaxonomy').values({ id: taxonomyId, name, description: `${name} (test)`, uri: 'https://example.org/taxonomy', version: '1' }).execute();
    for (const term of terms) {
      ids[term.name] = randomUUID();
      await tx
        .insertInto('directoryTaxonomyTerm')
        .values({
          id: ids[term.name]!,
          name: term.name,
          code: term.code ?? null,
          description: term.description ?? null,
          parentId: term.parent ? ids[term.parent]! : null,
          taxonomyId,
          language: 'en',
        })
        .execute();
    }
  });
  return { taxonomyId, terms: ids };
}

/** Postcode centroids for proximity tests (shared reference data; a rerun overwrites them). */
export async function insertCentroids(db: Database, rows: { postcode: string; kind: 'unit' | 'sector' | 'district'; latitude: number; longitude: number }[]) {
  await db.inScope({ organisationId: null, userId: null }, async (tx) => {
    for (const row of rows) {
      await tx
        .insertInto('postcodeCentroid')
        .values(row)
        .onConflict((oc) => oc.column('postcode').doUpdateSet({ kind: row.kind, latitude: row.latitude, longitude: row.longitude }))
        .execute();
    }
  });
}
