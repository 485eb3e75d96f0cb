import type { ColumnType, Generated } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** `date` columns stay 'YYYY-MM-DD' strings (see database.ts). */
type DateOnly = string | null;
type Tenant = { organisationId: string; id: string };

export interface DirectoryImportTable {
  organisationId: string;
  id: Generated<string>;
  source: string;
  format: string;
  startedAt: CreatedAt;
  finishedAt: Date | null;
  created: Generated<number>;
  updated: Generated<number>;
  unchanged: Generated<number>;
  rejected: Generated<number>;
}

export interface DirectoryOrganizationTable extends Tenant {
  name: string;
  alternateName: string | null;
  description: string | null;
  email: string | null;
  website: string | null;
  logo: string | null;
  uri: string | null;
  sourceId: string | null;
  importId: string | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export const SERVICE_STATUSES = ['active', 'inactive', 'defunct', 'temporarily closed'] as const;

export interface DirectoryServiceTable extends Tenant {
  directoryOrganizationId: string;
  name: string;
  alternateName: string | null;
  description: string | null;
  url: string | null;
  email: string | null;
  status: (typeof SERVICE_STATUSES)[number];
  interpretationServices: string | null;
  applicationProcess: string | null;
  feesDescription: string | null;
  accreditations: string | null;
  eligibilityDescription: string | null;
  minimumAge: number | null;
  maximumAge: number | null;
  alert: string | null;
  assuredDate: DateOnly;
  assurerEmail: string | null;
  lastModified: Timestamp;
  lastVerified: DateOnly;
  published: Generated<boolean>;
  providerOrganisationId: string | null;
  sourceId: string | null;
  sourceHash: string | null;
  importId: string | null;
  createdAt: CreatedAt;
  searchDocument: ColumnType<unknown, never, never>;
}

export interface DirectoryLocationTable extends Tenant {
  locationType: 'physical' | 'postal' | 'virtual';
  name: string | null;
  description: string | null;
  url: string | null;
  latitude: number | null;
  longitude: number | null;
  sourceId: string | null;
}

export interface DirectoryAddressTable extends Tenant {
  locationId: string;
  attention: string | null;
  address1: string;
  address2: string | null;
  city: string;
  region: string | null;
  stateProvince: string;
  postalCode: string;
  country: string;
  addressType: 'physical' | 'postal' | 'virtual';
}

export interface DirectoryServiceAtLocationTable extends Tenant {
  serviceId: string;
  locationId: string;
  description: string | null;
}

export interface DirectoryContactTable extends Tenant {
  serviceId: string | null;
  locationId: string | null;
  directoryOrganizationId: string | null;
  name: string | null;
  title: string | null;
  department: string | null;
  email: string | null;
}

export interface DirectoryPhoneTable extends Tenant {
  serviceId: string | null;
  locationId: string | null;
  contactId: string | null;
  directoryOrganizationId: string | null;
  number: string;
  extension: string | null;
  type: string | null;
  description: string | null;
}

export interface DirectoryScheduleTable extends Tenant {
  serviceId: string | null;
  locationId: string | null;
  serviceAtLocationId: string | null;
  validFrom: DateOnly;
  validTo: DateOnly;
  dtstart: DateOnly;
  until: DateOnly;
  freq: 'WEEKLY' | 'MONTHLY' | null;
  interval: number | null;
  byday: string | null;
  bymonthday: string | null;
  opensAt: string | null;
  closesAt: string | null;
  description: string | null;
  attendingType: string | null;
  notes: string | null;
}

export interface DirectoryCostOptionTable extends Tenant {
  serviceId: string;
  validFrom: DateOnly;
  validTo: DateOnly;
  option: string | null;
  currency: string | null;
  amount: ColumnType<string | null, number | string | null, number | string | null>;
  amountDescription: string | null;
}

export interface DirectoryLanguageTable extends Tenant {
  serviceId: string | null;
  locationId: string | null;
  name: string | null;
  code: string | null;
  note: string | null;
}

export interface DirectoryAccessibilityTable extends Tenant {
  locationId: string;
  description: string | null;
  details: string | null;
  url: string | null;
}

export interface DirectoryServiceAreaTable extends Tenant {
  serviceId: string;
  name: string | null;
  description: string | null;
  extent: string | null;
  extentType: string | null;
  uri: string | null;
}

export interface DirectoryFundingTable extends Tenant {
  serviceId: string | null;
  directoryOrganizationId: string | null;
  source: string | null;
}

export interface DirectoryTaxonomyTable {
  id: string;
  name: string;
  description: string | null;
  uri: string | null;
  version: string | null;
}

export interface DirectoryTaxonomyTermTable {
  id: string;
  code: string | null;
  name: string;
  description: string | null;
  parentId: string | null;
  taxonomyId: string | null;
  language: string | null;
  termUri: string | null;
}

export interface DirectoryAttributeTable extends Tenant {
  linkId: string;
  linkType: string | null;
  linkEntity: string;
  taxonomyTermId: string;
  value: string | null;
  label: string | null;
}

export interface DirectoryServiceChangeTable {
  organisationId: string;
  id: Generated<string>;
  serviceId: string;
  proposed: ColumnType<Record<string, unknown>, string, string>;
  status: Generated<'pending' | 'approved' | 'rejected' | 'applied'>;
  proposedBy: string | null;
  proposedByOrganisationId: string | null;
  proposedAt: CreatedAt;
  decidedBy: string | null;
  decidedAt: Date | null;
}

export interface UnmetNeedTable {
  organisationId: string;
  id: Generated<string>;
  needCode: string;
  area: string | null;
  recordedOn: ColumnType<string, string | undefined, string>;
  recordedBy: string | null;
}

export interface PostcodeCentroidTable {
  postcode: string;
  kind: 'unit' | 'sector' | 'district';
  latitude: number;
  longitude: number;
}

export interface DirectoryDB {
  directoryImport: DirectoryImportTable;
  directoryOrganization: DirectoryOrganizationTable;
  directoryService: DirectoryServiceTable;
  directoryLocation: DirectoryLocationTable;
  directoryAddress: DirectoryAddressTable;
  directoryServiceAtLocation: DirectoryServiceAtLocationTable;
  directoryContact: DirectoryContactTable;
  directoryPhone: DirectoryPhoneTable;
  directorySchedule: DirectoryScheduleTable;
  directoryCostOption: DirectoryCostOptionTable;
  directoryLanguage: DirectoryLanguageTable;
  directoryAccessibility: DirectoryAccessibilityTable;
  directoryServiceArea: DirectoryServiceAreaTable;
  directoryFunding: DirectoryFundingTable;
  directoryTaxonomy: DirectoryTaxonomyTable;
  directoryTaxonomyTerm: DirectoryTaxonomyTermTable;
  directoryAttribute: DirectoryAttributeTable;
  directoryServiceChange: DirectoryServiceChangeTable;
  unmetNeed: UnmetNeedTable;
  postcodeCentroid: PostcodeCentroidTable;
}
