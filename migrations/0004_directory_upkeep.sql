-- Upkeep of directory entries by their providers: each curating organisation's setting (do
-- providers' changes need approval?), when each service's provider was last reminded to review it,
-- and the read access a provider needs to services it runs in other organisations' directories.

CREATE TABLE directory_setting (
  organisation_id uuid PRIMARY KEY REFERENCES organisation (id),
  changes_need_approval boolean NOT NULL DEFAULT true,
  updated_by uuid REFERENCES app_user (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per service whose provider has been reminded; kept apart from directory_service so the
-- ORUK record itself carries nothing about reminders.
CREATE TABLE directory_review_reminder (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  service_id uuid NOT NULL,
  provider_organisation_id uuid NOT NULL REFERENCES organisation (id),
  reminded_on date NOT NULL,
  PRIMARY KEY (organisation_id, service_id),
  FOREIGN KEY (organisation_id, service_id) REFERENCES directory_service (organisation_id, id) ON DELETE CASCADE
);

-- A provider may withdraw its own change while it waits; history keeps it.
ALTER TABLE directory_service_change DROP CONSTRAINT directory_service_change_status_check;
ALTER TABLE directory_service_change ADD CONSTRAINT directory_service_change_status_check
  CHECK (status IN ('pending', 'approved', 'rejected', 'applied', 'withdrawn'));
ALTER TABLE directory_service_change ADD COLUMN decision_note text CHECK (length(decision_note) <= 1000);
-- At most one change waits per service: a provider's second edit revises the waiting one.
CREATE UNIQUE INDEX directory_service_change_one_pending ON directory_service_change (organisation_id, service_id) WHERE status = 'pending';
CREATE INDEX directory_service_change_service ON directory_service_change (organisation_id, service_id, proposed_at);
CREATE INDEX directory_service_change_proposer ON directory_service_change (proposed_by_organisation_id, status) WHERE proposed_by_organisation_id IS NOT NULL;
CREATE INDEX directory_service_provider ON directory_service (provider_organisation_id) WHERE provider_organisation_id IS NOT NULL;

-- Reminders go to a provider's own staff from the curating organisation's outbox.
ALTER TABLE outbox_message DROP CONSTRAINT outbox_message_recipient_kind_check;
ALTER TABLE outbox_message ADD CONSTRAINT outbox_message_recipient_kind_check
  CHECK (recipient_kind IN ('referrer', 'person', 'provider'));

-- Row-level security. Settings and reminders are the curating organisation's. A provider reads the
-- services it runs (published or not) and the changes it proposed; every write still happens in
-- the curating organisation's context, after the service layer has checked the provider.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['directory_setting', 'directory_review_reminder'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (organisation_id = app_current_organisation()) WITH CHECK (organisation_id = app_current_organisation())', t || '_tenant', t);
  END LOOP;
END
$$;

CREATE POLICY directory_service_provider_read ON directory_service FOR SELECT
  USING (provider_organisation_id = app_current_organisation());
CREATE POLICY directory_service_change_proposer_read ON directory_service_change FOR SELECT
  USING (proposed_by_organisation_id = app_current_organisation());

GRANT SELECT, INSERT, UPDATE ON directory_setting, directory_review_reminder TO linkwork_app;
