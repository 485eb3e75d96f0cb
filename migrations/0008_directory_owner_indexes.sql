-- Contacts, phones, schedules, languages and funding belong to a service, a location or an
-- organization. The export (and the ORUK API's full services) fetches a page's worth with
-- `service_id IN (…) OR location_id IN (…) OR directory_organization_id IN (…)`, and the importer
-- deletes a rewritten location's or organization's rows by those columns: with an index per owner
-- column each arm is an index scan (a BitmapOr), instead of reading the whole table per page.
CREATE INDEX directory_contact_location ON directory_contact (organisation_id, location_id) WHERE location_id IS NOT NULL;
CREATE INDEX directory_contact_organization ON directory_contact (organisation_id, directory_organization_id) WHERE directory_organization_id IS NOT NULL;
CREATE INDEX directory_phone_location ON directory_phone (organisation_id, location_id) WHERE location_id IS NOT NULL;
CREATE INDEX directory_phone_organization ON directory_phone (organisation_id, directory_organization_id) WHERE directory_organization_id IS NOT NULL;
CREATE INDEX directory_schedule_location ON directory_schedule (organisation_id, location_id) WHERE location_id IS NOT NULL;
CREATE INDEX directory_language_location ON directory_language (organisation_id, location_id) WHERE location_id IS NOT NULL;
CREATE INDEX directory_funding_service ON directory_funding (organisation_id, service_id) WHERE service_id IS NOT NULL;
CREATE INDEX directory_funding_organization ON directory_funding (organisation_id, directory_organization_id) WHERE directory_organization_id IS NOT NULL;

-- Fresh statistics for the directory's tables, for the importer to ask for after a run: PGlite has
-- no autovacuum, and a search planned on the statistics of an empty directory can take five times
-- as long (docs/benchmarks.md). ANALYZE needs the tables' owner, hence SECURITY DEFINER; it takes
-- no arguments, so the app role can do nothing with it but refresh these statistics.
CREATE FUNCTION directory_analyze() RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
BEGIN
  ANALYZE directory_organization, directory_service, directory_published_text, directory_location, directory_address,
    directory_service_at_location, directory_contact, directory_phone, directory_schedule, directory_cost_option,
    directory_language, directory_accessibility, directory_service_area, directory_funding, directory_attribute,
    directory_taxonomy_term;
END
$$;
REVOKE ALL ON FUNCTION directory_analyze() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION directory_analyze() TO linkwork_app;
