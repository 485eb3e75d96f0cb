-- A searchable copy of published services' text, so directory text search can use indexes.
--
-- Why: directory_service has row-level security, and PostgreSQL will not use an index for a
-- condition whose operator is not LEAKPROOF (full-text `@@` and trigram `%>>` are not; only a
-- superuser can mark them), so neither GIN index on directory_service is ever used by the app role.
-- Published services are public anyway (the ORUK API serves them to anyone), so their searchable
-- text is kept here, in a table without row-level security, maintained by a trigger. Unpublished
-- services never enter it; the app role may only read it.

CREATE TABLE directory_published_text (
  organisation_id uuid NOT NULL,
  service_id uuid NOT NULL,
  name text NOT NULL,
  search_document tsvector NOT NULL,
  PRIMARY KEY (organisation_id, service_id),
  FOREIGN KEY (organisation_id, service_id) REFERENCES directory_service (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX directory_published_text_document ON directory_published_text USING gin (search_document);
CREATE INDEX directory_published_text_name_trgm ON directory_published_text USING gin (name gin_trgm_ops);
-- The caller's own unpublished services are searched on directory_service: find them by index.
CREATE INDEX directory_service_unpublished ON directory_service (organisation_id) WHERE NOT published;

-- Runs as the owner, so the app role needs no write access to the search table.
CREATE FUNCTION directory_published_text_sync() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
  AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    DELETE FROM directory_published_text WHERE organisation_id = OLD.organisation_id AND service_id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.published THEN
    INSERT INTO directory_published_text (organisation_id, service_id, name, search_document)
    VALUES (NEW.organisation_id, NEW.id, NEW.name, NEW.search_document);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER directory_published_text_sync AFTER INSERT OR DELETE OR UPDATE OF published, name, alternate_name, description, eligibility_description, fees_description
  ON directory_service FOR EACH ROW EXECUTE FUNCTION directory_published_text_sync();

-- Existing published services (the owner sees them under row-level security with no organisation set).
INSERT INTO directory_published_text (organisation_id, service_id, name, search_document)
SELECT organisation_id, id, name, search_document FROM directory_service WHERE published;

GRANT SELECT ON directory_published_text TO linkwork_app;
