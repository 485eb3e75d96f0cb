/**
 * Linkwork's own taxonomies in the directory (seeded by migrations/0003_directory.sql with these
 * fixed ids, UUID v5 in a Linkwork namespace), so an attribute or need travels in ORUK exports and
 * means the same thing in every Linkwork.
 */
export const ATTRIBUTE_TAXONOMY_ID = 'b3908307-f814-5fb4-aa3c-8bd1a8247179';
export const NEEDS_TAXONOMY_ID = '05c86cbb-2074-5ef3-8d2e-ece4441d64f9';

export const SERVICE_ATTRIBUTES = [
  'trauma-informed',
  'no-id-needed',
  'drop-in',
  'free',
  'women-only',
  'dogs-welcome',
  'wheelchair-accessible',
  'evenings-weekends',
  'accompanied-visits-welcome',
] as const;
export type ServiceAttribute = (typeof SERVICE_ATTRIBUTES)[number];
