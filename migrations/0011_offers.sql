-- Activity offers: a service from the community directory suggested to one person, with its
-- history, and the introduction the provider sees when the person agrees to be introduced.

-- One service offered to one person in one case. The service's name is kept as it was when offered,
-- so the history reads the same after the directory entry changes or goes.
CREATE TABLE offer (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL,
  directory_service_id uuid NOT NULL,
  service_name text NOT NULL,
  state text NOT NULL CHECK (state IN ('suggested', 'interested', 'declined', 'introduced', 'attending', 'stopped', 'completed')),
  -- Whether the link worker went with the person to the introduction (an accompanied introduction).
  accompanied boolean NOT NULL DEFAULT false,
  -- The person's own words, when they said no or stopped; optional and never judged.
  reason text CHECK (length(reason) <= 500),
  state_changed_at timestamptz NOT NULL DEFAULT now(),
  suggested_by uuid REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, case_id) REFERENCES support_case (organisation_id, id)
);
CREATE INDEX offer_case ON offer (organisation_id, case_id, created_at);

-- Every step of every offer: transitions, and sessions the link worker went to with the person.
CREATE TABLE offer_event (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  offer_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('suggested', 'transition', 'accompanied-session')),
  from_state text,
  to_state text NOT NULL,
  accompanied boolean NOT NULL DEFAULT false,
  reason text CHECK (length(reason) <= 500),
  session_on date,
  actor_user_id uuid REFERENCES app_user (id),
  actor_label text NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, offer_id) REFERENCES offer (organisation_id, id),
  CHECK (kind <> 'accompanied-session' OR session_on IS NOT NULL)
);
CREATE INDEX offer_event_offer ON offer_event (organisation_id, offer_id, id);

-- What a provider organisation sees of a person introduced to it, and nothing more: a first name,
-- how to get in touch (as agreed with the person), what the person agreed to share, the service and
-- the dates. Like referral_receipt (the referrer's row, written by the receiving service), it lives
-- in the PROVIDER's tenant and is written by the social prescribing service that made it.
--
-- Why one shared row rather than a row each side or a SECURITY DEFINER function: the introduction is
-- the whole of what the two organisations share, so the row itself is the boundary. Row-level
-- security lets exactly two organisations see it (the provider, organisation_id; the service that
-- introduced, service_organisation_id) and nothing else of either: the provider's queries can never
-- reach offer, support_case or person (their policies name only the service), and the service sees
-- the provider's reply and attendance records on this row and its attendance rows, never anything
-- else the provider keeps. The provider's answers flow back to the offer because the offer page reads
-- them here; no provider transaction ever writes into the service's tables. A SECURITY DEFINER
-- function would not help: tables FORCE row-level security, so its owner is held to the policies too,
-- and it would hide the rule in code instead of stating it here.
CREATE TABLE introduction (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  service_organisation_id uuid NOT NULL REFERENCES organisation (id),
  offer_id uuid NOT NULL,
  directory_service_id uuid NOT NULL,
  service_name text NOT NULL,
  first_name text NOT NULL CHECK (length(btrim(first_name)) BETWEEN 1 AND 100),
  contact_route text NOT NULL CHECK (length(btrim(contact_route)) BETWEEN 1 AND 300),
  shared text CHECK (length(shared) <= 1000),
  accompanied boolean NOT NULL DEFAULT false,
  introduced_by_name text NOT NULL,
  introduced_at timestamptz NOT NULL DEFAULT now(),
  response text NOT NULL DEFAULT 'awaiting' CHECK (response IN ('awaiting', 'accepted', 'declined')),
  response_note text CHECK (length(response_note) <= 500),
  responded_at timestamptz,
  responded_by uuid REFERENCES app_user (id),
  -- Set by the service when the person stops, finishes or decides not to go: the provider is told the
  -- introduction has ended, never why.
  ended_at timestamptz,
  PRIMARY KEY (organisation_id, id),
  -- Integrity checks bypass row-level security, so this holds without either side reading the other.
  FOREIGN KEY (service_organisation_id, offer_id) REFERENCES offer (organisation_id, id),
  CHECK (organisation_id <> service_organisation_id)
);
CREATE INDEX introduction_inbox ON introduction (organisation_id, introduced_at DESC, id DESC);
CREATE INDEX introduction_offer ON introduction (service_organisation_id, offer_id);

-- Sessions the provider says the person came to. The provider's rows, readable by the service.
CREATE TABLE introduction_attendance (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  introduction_id uuid NOT NULL,
  service_organisation_id uuid NOT NULL REFERENCES organisation (id),
  session_on date NOT NULL,
  recorded_by uuid REFERENCES app_user (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, introduction_id) REFERENCES introduction (organisation_id, id),
  UNIQUE (organisation_id, introduction_id, session_on)
);

-- Row-level security. Offers and their history are the social prescribing service's alone.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['offer', 'offer_event'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (organisation_id = app_current_organisation()) WITH CHECK (organisation_id = app_current_organisation())', t || '_tenant', t);
  END LOOP;
END
$$;

-- An introduction is read by its provider and by the service that made it; only that service
-- creates one (in the provider's tenant), and either may update it (the provider answers, the
-- service ends it; the service layer decides which columns each side touches).
ALTER TABLE introduction ENABLE ROW LEVEL SECURITY;
ALTER TABLE introduction FORCE ROW LEVEL SECURITY;
CREATE POLICY introduction_read ON introduction FOR SELECT
  USING (organisation_id = app_current_organisation() OR service_organisation_id = app_current_organisation());
CREATE POLICY introduction_insert ON introduction FOR INSERT
  WITH CHECK (service_organisation_id = app_current_organisation());
CREATE POLICY introduction_update ON introduction FOR UPDATE
  USING (organisation_id = app_current_organisation() OR service_organisation_id = app_current_organisation())
  WITH CHECK (organisation_id = app_current_organisation() OR service_organisation_id = app_current_organisation());

-- Attendance is recorded only by the provider, and read by both.
ALTER TABLE introduction_attendance ENABLE ROW LEVEL SECURITY;
ALTER TABLE introduction_attendance FORCE ROW LEVEL SECURITY;
CREATE POLICY introduction_attendance_read ON introduction_attendance FOR SELECT
  USING (organisation_id = app_current_organisation() OR service_organisation_id = app_current_organisation());
CREATE POLICY introduction_attendance_insert ON introduction_attendance FOR INSERT
  WITH CHECK (organisation_id = app_current_organisation());

GRANT SELECT, INSERT, UPDATE ON offer, introduction TO linkwork_app;
GRANT SELECT, INSERT ON offer_event, introduction_attendance TO linkwork_app;
