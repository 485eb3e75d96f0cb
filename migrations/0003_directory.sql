-- The community directory, on the Open Referral UK 3.0 (HSDS 3.0) model. Each directory belongs to
-- a Linkwork organisation (its curator). Published services are public (the ORUK API serves them);
-- unpublished ones are seen only by their own organisation. Child rows (locations, schedules, …) are
-- reached only through their service in the service layer.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE directory_import (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  source text NOT NULL,
  format text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  created integer NOT NULL DEFAULT 0,
  updated integer NOT NULL DEFAULT 0,
  unchanged integer NOT NULL DEFAULT 0,
  rejected integer NOT NULL DEFAULT 0,
  PRIMARY KEY (organisation_id, id)
);

CREATE TABLE directory_organization (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  name text NOT NULL,
  alternate_name text,
  description text,
  email text,
  website text,
  logo text,
  uri text,
  source_id text,
  import_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id)
);
CREATE UNIQUE INDEX directory_organization_source ON directory_organization (organisation_id, source_id) WHERE source_id IS NOT NULL;

CREATE TABLE directory_service (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  directory_organization_id uuid NOT NULL,
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 300),
  alternate_name text,
  description text,
  url text,
  email text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'defunct', 'temporarily closed')),
  interpretation_services text,
  application_process text,
  fees_description text,
  accreditations text,
  eligibility_description text,
  minimum_age integer CHECK (minimum_age BETWEEN 0 AND 130),
  maximum_age integer CHECK (maximum_age BETWEEN 0 AND 130),
  alert text,
  assured_date date,
  assurer_email text,
  last_modified timestamptz NOT NULL DEFAULT now(),
  last_verified date,
  published boolean NOT NULL DEFAULT true,
  provider_organisation_id uuid REFERENCES organisation (id),
  source_id text,
  source_hash text,
  import_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  search_document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(name, '') || ' ' || coalesce(alternate_name, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(description, '')), 'B') ||
    setweight(to_tsvector('english', coalesce(eligibility_description, '') || ' ' || coalesce(fees_description, '')), 'C')
  ) STORED,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, directory_organization_id) REFERENCES directory_organization (organisation_id, id)
);
CREATE UNIQUE INDEX directory_service_id ON directory_service (id);
CREATE UNIQUE INDEX directory_service_source ON directory_service (organisation_id, source_id) WHERE source_id IS NOT NULL;
CREATE INDEX directory_service_search ON directory_service USING gin (search_document);
CREATE INDEX directory_service_name_trgm ON directory_service USING gin (name gin_trgm_ops);
CREATE INDEX directory_service_modified ON directory_service (last_modified, id);
CREATE INDEX directory_service_verified ON directory_service (organisation_id, last_verified);

CREATE TABLE directory_location (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  location_type text NOT NULL DEFAULT 'physical' CHECK (location_type IN ('physical', 'postal', 'virtual')),
  name text,
  description text,
  url text,
  latitude double precision CHECK (latitude BETWEEN -90 AND 90),
  longitude double precision CHECK (longitude BETWEEN -180 AND 180),
  source_id text,
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX directory_location_geo ON directory_location (latitude, longitude) WHERE latitude IS NOT NULL;

CREATE TABLE directory_address (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  location_id uuid NOT NULL,
  attention text,
  address_1 text NOT NULL DEFAULT '',
  address_2 text,
  city text NOT NULL DEFAULT '',
  region text,
  state_province text NOT NULL DEFAULT '',
  postal_code text NOT NULL DEFAULT '',
  country text NOT NULL DEFAULT 'GB',
  address_type text NOT NULL DEFAULT 'physical' CHECK (address_type IN ('physical', 'postal', 'virtual')),
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, location_id) REFERENCES directory_location (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX directory_address_location ON directory_address (organisation_id, location_id);

CREATE TABLE directory_service_at_location (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  service_id uuid NOT NULL,
  location_id uuid NOT NULL,
  description text,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, service_id) REFERENCES directory_service (organisation_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organisation_id, location_id) REFERENCES directory_location (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX directory_sal_service ON directory_service_at_location (organisation_id, service_id);
CREATE INDEX directory_sal_location ON directory_service_at_location (organisation_id, location_id);

-- Contacts, phones and schedules hang off a service, a location or a service at a location.
CREATE TABLE directory_contact (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  service_id uuid,
  location_id uuid,
  directory_organization_id uuid,
  name text,
  title text,
  department text,
  email text,
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX directory_contact_service ON directory_contact (organisation_id, service_id);

CREATE TABLE directory_phone (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  service_id uuid,
  location_id uuid,
  contact_id uuid,
  directory_organization_id uuid,
  number text NOT NULL,
  extension text,
  type text,
  description text,
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX directory_phone_service ON directory_phone (organisation_id, service_id);

CREATE TABLE directory_schedule (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  service_id uuid,
  location_id uuid,
  service_at_location_id uuid,
  valid_from date,
  valid_to date,
  dtstart date,
  until date,
  freq text CHECK (freq IN ('WEEKLY', 'MONTHLY')),
  interval integer,
  byday text,
  bymonthday text,
  opens_at time,
  closes_at time,
  description text,
  attending_type text,
  notes text,
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX directory_schedule_service ON directory_schedule (organisation_id, service_id);

CREATE TABLE directory_cost_option (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  service_id uuid NOT NULL,
  valid_from date,
  valid_to date,
  option text,
  currency text,
  amount numeric,
  amount_description text,
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX directory_cost_service ON directory_cost_option (organisation_id, service_id);

CREATE TABLE directory_language (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  service_id uuid,
  location_id uuid,
  name text,
  code text,
  note text,
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX directory_language_service ON directory_language (organisation_id, service_id);

CREATE TABLE directory_accessibility (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  location_id uuid NOT NULL,
  description text,
  details text,
  url text,
  PRIMARY KEY (organisation_id, id)
);

CREATE TABLE directory_service_area (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  service_id uuid NOT NULL,
  name text,
  description text,
  extent text,
  extent_type text,
  uri text,
  PRIMARY KEY (organisation_id, id)
);

CREATE TABLE directory_funding (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  service_id uuid,
  directory_organization_id uuid,
  source text,
  PRIMARY KEY (organisation_id, id)
);

-- Taxonomies are shared reference data (needs, activity types, the link-worker attributes), so
-- every directory can tag with the same terms and exports carry them.
CREATE TABLE directory_taxonomy (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  description text,
  uri text,
  version text
);

CREATE TABLE directory_taxonomy_term (
  id uuid PRIMARY KEY,
  code text,
  name text NOT NULL,
  description text,
  parent_id uuid REFERENCES directory_taxonomy_term (id),
  taxonomy_id uuid REFERENCES directory_taxonomy (id),
  language text,
  term_uri text
);
CREATE UNIQUE INDEX directory_taxonomy_term_code ON directory_taxonomy_term (taxonomy_id, code) WHERE code IS NOT NULL;
CREATE INDEX directory_taxonomy_term_parent ON directory_taxonomy_term (parent_id);

-- HSDS 3.0 attributes: a taxonomy term (with an optional value) on any entity.
CREATE TABLE directory_attribute (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  link_id uuid NOT NULL,
  link_type text,
  link_entity text NOT NULL,
  taxonomy_term_id uuid NOT NULL REFERENCES directory_taxonomy_term (id),
  value text,
  label text,
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX directory_attribute_link ON directory_attribute (organisation_id, link_entity, link_id);
CREATE INDEX directory_attribute_term ON directory_attribute (taxonomy_term_id, link_id);

-- Providers' edits waiting for the curator's approval, kept as history once decided.
CREATE TABLE directory_service_change (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  service_id uuid NOT NULL,
  proposed jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'applied')),
  proposed_by uuid REFERENCES app_user (id),
  proposed_by_organisation_id uuid REFERENCES organisation (id),
  proposed_at timestamptz NOT NULL DEFAULT now(),
  decided_by uuid REFERENCES app_user (id),
  decided_at timestamptz,
  PRIMARY KEY (organisation_id, id)
);

-- When a link worker finds nothing suitable: need, area and date only. No personal data.
CREATE TABLE unmet_need (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  need_code text NOT NULL REFERENCES need_code (code),
  area text,
  recorded_on date NOT NULL DEFAULT current_date,
  recorded_by uuid REFERENCES app_user (id),
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX unmet_need_report ON unmet_need (organisation_id, recorded_on, need_code);

-- Postcode centroids: sectors and districts ship with Linkwork; unit postcodes can be imported.
CREATE TABLE postcode_centroid (
  postcode text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('unit', 'sector', 'district')),
  latitude double precision NOT NULL,
  longitude double precision NOT NULL
);


-- Linkwork's own taxonomies, with fixed ids so exports and imports agree everywhere:
-- the attributes link workers filter on, and the needs taxonomy as terms (children match their parent).
INSERT INTO directory_taxonomy (id, name, description, version) VALUES
  ('b3908307-f814-5fb4-aa3c-8bd1a8247179', 'Linkwork service attributes', 'What link workers need to know: trauma-informed practice, no ID needed, drop-in and more', '1'),
  ('05c86cbb-2074-5ef3-8d2e-ece4441d64f9', 'Linkwork needs', 'Needs a service helps with, matching the referral needs taxonomy', '1');
INSERT INTO directory_taxonomy_term (id, code, name, taxonomy_id) VALUES
  ('855dc9ed-0476-56be-ae63-3392db0678a5', 'trauma-informed', 'Trauma-informed practice', 'b3908307-f814-5fb4-aa3c-8bd1a8247179'),
  ('9110d583-2f2b-5230-a580-f8758b9c05c6', 'no-id-needed', 'No ID or proof of address needed', 'b3908307-f814-5fb4-aa3c-8bd1a8247179'),
  ('bf0bcf92-9c1a-5601-bf70-aa5ae45694c4', 'drop-in', 'Drop-in, no appointment needed', 'b3908307-f814-5fb4-aa3c-8bd1a8247179'),
  ('02dc292b-1060-51c6-b39a-7ee75b7c0e4a', 'free', 'Free', 'b3908307-f814-5fb4-aa3c-8bd1a8247179'),
  ('cf152c05-ed50-5fb4-8db9-c4e29e7dae3d', 'women-only', 'Women-only space', 'b3908307-f814-5fb4-aa3c-8bd1a8247179'),
  ('8936224b-7b7c-5bf8-b7a2-7637745545fa', 'dogs-welcome', 'Dogs welcome', 'b3908307-f814-5fb4-aa3c-8bd1a8247179'),
  ('bacd467e-f569-5e58-aeac-ed7ef9e851be', 'wheelchair-accessible', 'Wheelchair accessible', 'b3908307-f814-5fb4-aa3c-8bd1a8247179'),
  ('657a5e1f-f8cf-5501-ad0c-a0f15a4340e0', 'evenings-weekends', 'Open evenings or weekends', 'b3908307-f814-5fb4-aa3c-8bd1a8247179'),
  ('6a55fbe0-06d1-5c74-99af-78a83bc5bc27', 'accompanied-visits-welcome', 'Accompanied visits welcome', 'b3908307-f814-5fb4-aa3c-8bd1a8247179');
INSERT INTO directory_taxonomy_term (id, code, name, parent_id, taxonomy_id)
SELECT t.id, n.code, n.label, t.parent_id, '05c86cbb-2074-5ef3-8d2e-ece4441d64f9'
FROM (VALUES
    ('f0c91690-dead-5ec4-90aa-0f4569ffb81f'::uuid, 'social-isolation', NULL::uuid),
    ('4153458f-3be1-5403-a045-5166e452745f'::uuid, 'mental-wellbeing', NULL::uuid),
    ('6f7676e4-a951-51cf-84b6-52cc86efb3e0'::uuid, 'physical-activity', NULL::uuid),
    ('dc5943a9-9c10-51bf-8bea-37d40267ccd5'::uuid, 'money-and-debt', NULL::uuid),
    ('ed243788-79ce-5da2-8949-229358aa8da8'::uuid, 'benefits', NULL::uuid),
    ('2e49b1a9-2c55-5e6a-8d35-a62130adf8d2'::uuid, 'housing', NULL::uuid),
    ('a6f95100-4b17-5b7c-8900-3465de80d5f9'::uuid, 'employment', NULL::uuid),
    ('eb3f0646-94ff-59c6-933d-ede90949ac4a'::uuid, 'education-and-skills', NULL::uuid),
    ('23b758aa-ce49-58c2-a838-965621e62c51'::uuid, 'food', NULL::uuid),
    ('23c54d16-e528-5578-a2b5-5c00c2561226'::uuid, 'carers', NULL::uuid),
    ('56731f6b-07ca-58a0-ba74-b8246f0d7e74'::uuid, 'drug-and-alcohol', NULL::uuid),
    ('d6013fcc-0337-5429-b67b-44d2a02d820b'::uuid, 'domestic-abuse', NULL::uuid),
    ('f6d9de48-ad1a-5cdf-90d5-0db6e6c68c35'::uuid, 'legal', NULL::uuid),
    ('665f3a5e-c6b3-5ddb-b797-9cd8ea854d8c'::uuid, 'digital-skills', NULL::uuid),
    ('a7cbb243-f070-59b6-902b-7a5ec38068a8'::uuid, 'bereavement', NULL::uuid),
    ('0cb0a011-ccc7-5377-b208-e1bfe9422403'::uuid, 'arts-and-creativity', NULL::uuid),
    ('2b7344d7-9ba2-51a5-8646-b59196bdff4b'::uuid, 'nature-and-green-space', NULL::uuid),
    ('4d402e16-20fc-5d9a-8746-353a01f33a3d'::uuid, 'fuel-poverty', 'dc5943a9-9c10-51bf-8bea-37d40267ccd5'::uuid),
    ('a86e7541-bf6b-5363-8864-c2125da0ee5b'::uuid, 'homelessness', '2e49b1a9-2c55-5e6a-8d35-a62130adf8d2'::uuid),
    ('fa5a8459-d048-579b-9056-e6f4f80182a8'::uuid, 'volunteering', 'a6f95100-4b17-5b7c-8900-3465de80d5f9'::uuid)) AS t (id, code, parent_id)
JOIN need_code n ON n.code = t.code
ORDER BY t.parent_id NULLS FIRST;

-- Row-level security.
ALTER TABLE directory_service ENABLE ROW LEVEL SECURITY;
ALTER TABLE directory_service FORCE ROW LEVEL SECURITY;
CREATE POLICY directory_service_read ON directory_service FOR SELECT
  USING (published OR organisation_id = app_current_organisation());
CREATE POLICY directory_service_write ON directory_service FOR INSERT WITH CHECK (organisation_id = app_current_organisation());
CREATE POLICY directory_service_update ON directory_service FOR UPDATE
  USING (organisation_id = app_current_organisation()) WITH CHECK (organisation_id = app_current_organisation());
CREATE POLICY directory_service_delete ON directory_service FOR DELETE USING (organisation_id = app_current_organisation());

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['directory_organization', 'directory_location', 'directory_address', 'directory_service_at_location',
                           'directory_contact', 'directory_phone', 'directory_schedule', 'directory_cost_option', 'directory_language',
                           'directory_accessibility', 'directory_service_area', 'directory_funding', 'directory_attribute'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT USING (true)', t || '_read', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR INSERT WITH CHECK (organisation_id = app_current_organisation())', t || '_insert', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE USING (organisation_id = app_current_organisation()) WITH CHECK (organisation_id = app_current_organisation())', t || '_update', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR DELETE USING (organisation_id = app_current_organisation())', t || '_delete', t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['directory_import', 'directory_service_change', 'unmet_need'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (organisation_id = app_current_organisation()) WITH CHECK (organisation_id = app_current_organisation())', t || '_tenant', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON directory_organization, directory_service, directory_location, directory_address,
  directory_service_at_location, directory_contact, directory_phone, directory_schedule, directory_cost_option, directory_language,
  directory_accessibility, directory_service_area, directory_funding, directory_attribute TO linkwork_app;
GRANT SELECT, INSERT, UPDATE ON directory_import, directory_service_change, unmet_need, directory_taxonomy, directory_taxonomy_term, postcode_centroid TO linkwork_app;
