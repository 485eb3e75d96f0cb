-- Referrals and the closed loop: programmes, the needs taxonomy, people, referrals with their
-- history, the referrer's neutral receipt, cases, idempotency keys and the notification outbox.

-- Every social prescribing service has programmes (its own rules); one is the default, so a new
-- service can receive referrals at once. Programme names are not sensitive: referrers choose from them.
CREATE TABLE programme (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  is_default boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id),
  UNIQUE (organisation_id, slug)
);
CREATE UNIQUE INDEX programme_one_default ON programme (organisation_id) WHERE is_default;

INSERT INTO programme (organisation_id, slug, name, is_default)
SELECT id, 'social-prescribing', 'Social prescribing', true FROM organisation WHERE type = 'sp-service';

-- The needs taxonomy is shared by every service so reports compare like with like; platform
-- administrators curate it. Codes are stable slugs; labels can change.
CREATE TABLE need_code (
  code text PRIMARY KEY CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  label text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 200),
  parent_code text REFERENCES need_code (code),
  active boolean NOT NULL DEFAULT true,
  sort_order integer NOT NULL DEFAULT 0
);

INSERT INTO need_code (code, label, sort_order) VALUES
  ('social-isolation', 'Loneliness and social isolation', 10),
  ('mental-wellbeing', 'Mental wellbeing', 20),
  ('physical-activity', 'Physical activity', 30),
  ('money-and-debt', 'Money and debt', 40),
  ('benefits', 'Benefits', 50),
  ('housing', 'Housing', 60),
  ('employment', 'Employment', 70),
  ('education-and-skills', 'Education and skills', 80),
  ('food', 'Food', 90),
  ('carers', 'Caring for someone', 100),
  ('drug-and-alcohol', 'Drug and alcohol use', 110),
  ('domestic-abuse', 'Domestic abuse', 120),
  ('legal', 'Legal advice', 130),
  ('digital-skills', 'Digital skills', 140),
  ('bereavement', 'Bereavement', 150),
  ('arts-and-creativity', 'Arts and creativity', 160),
  ('nature-and-green-space', 'Nature and green space', 170);
INSERT INTO need_code (code, label, parent_code, sort_order) VALUES
  ('fuel-poverty', 'Fuel poverty', 'money-and-debt', 41),
  ('homelessness', 'Homelessness or risk of it', 'housing', 61),
  ('volunteering', 'Volunteering', 'employment', 71);

CREATE TABLE person (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  given_name text NOT NULL CHECK (length(btrim(given_name)) BETWEEN 1 AND 100),
  family_name text NOT NULL CHECK (length(btrim(family_name)) BETWEEN 1 AND 100),
  preferred_name text,
  date_of_birth date NOT NULL,
  nhs_number text CHECK (nhs_number ~ '^\d{10}$'),
  postcode text,
  no_fixed_abode boolean NOT NULL DEFAULT false,
  phone text,
  email text,
  safe_to_leave_message boolean NOT NULL DEFAULT false,
  preferred_contact text NOT NULL CHECK (preferred_contact IN ('phone', 'text', 'email', 'letter', 'via-someone-else')),
  contact_notes text,
  interpreter_language text,
  accessibility_needs text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id),
  CHECK (postcode IS NOT NULL OR no_fixed_abode)
);
CREATE UNIQUE INDEX person_nhs_number ON person (organisation_id, nhs_number) WHERE nhs_number IS NOT NULL;
CREATE INDEX person_name_dob ON person (organisation_id, lower(family_name), lower(given_name), date_of_birth);

-- A person's journey in a programme. Casework (contacts, plans, offers) builds on this.
CREATE TABLE support_case (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  programme_id uuid NOT NULL,
  person_id uuid NOT NULL,
  referral_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'paused', 'closed')),
  link_worker_user_id uuid REFERENCES app_user (id),
  multiple_disadvantage boolean NOT NULL DEFAULT false,
  opened_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  closed_reason text,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, programme_id) REFERENCES programme (organisation_id, id),
  FOREIGN KEY (organisation_id, person_id) REFERENCES person (organisation_id, id)
);
CREATE INDEX support_case_link_worker ON support_case (organisation_id, link_worker_user_id) WHERE status <> 'closed';

CREATE TABLE referral (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL,
  reference text NOT NULL UNIQUE,
  programme_id uuid NOT NULL,
  person_id uuid NOT NULL,
  source_type text NOT NULL CHECK (source_type IN ('professional', 'self')),
  source_organisation_id uuid REFERENCES organisation (id),
  source_user_id uuid REFERENCES app_user (id),
  reason text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 4000),
  urgency text NOT NULL CHECK (urgency IN ('routine', 'urgent')),
  needs text[] NOT NULL DEFAULT '{}',
  multiple_disadvantage text[] NOT NULL DEFAULT '{}',
  risk_notes text,
  consent_given boolean NOT NULL CHECK (consent_given),
  consent_by text NOT NULL CHECK (consent_by IN ('person', 'representative')),
  consent_method text NOT NULL CHECK (consent_method IN ('verbal', 'written', 'online')),
  consent_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('received', 'accepted', 'allocated', 'first-contact', 'engaged', 'paused', 'closed')),
  status_before_pause text,
  status_changed_at timestamptz NOT NULL DEFAULT now(),
  closed_reason text,
  case_id uuid,
  duplicate_of uuid,
  duplicate_decision text CHECK (duplicate_decision IN ('linked', 'kept-separate')),
  redirected_to uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, programme_id) REFERENCES programme (organisation_id, id),
  FOREIGN KEY (organisation_id, person_id) REFERENCES person (organisation_id, id),
  CHECK (source_type = 'self' OR source_organisation_id IS NOT NULL)
);
-- The triage queue: open referrals, urgent first, then oldest first.
CREATE INDEX referral_queue ON referral (organisation_id, status, urgency DESC, created_at, id);
CREATE INDEX referral_by_person ON referral (organisation_id, person_id);
CREATE INDEX referral_list ON referral (organisation_id, created_at DESC, id DESC);

CREATE TABLE referral_event (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  referral_id uuid NOT NULL,
  action text NOT NULL,
  from_status text,
  to_status text NOT NULL,
  reason text,
  actor_user_id uuid REFERENCES app_user (id),
  actor_label text NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, referral_id) REFERENCES referral (organisation_id, id)
);
CREATE INDEX referral_event_referral ON referral_event (organisation_id, referral_id, id);

-- What the referring organisation may see of its referral: a reference, the name it sent, and a
-- neutral status. Never needs, notes, case details or outcomes. Kept in step by the receiving service.
CREATE TABLE referral_receipt (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  referral_id uuid NOT NULL,
  receiving_organisation_id uuid NOT NULL REFERENCES organisation (id),
  reference text NOT NULL,
  person_label text NOT NULL,
  referrer_user_id uuid REFERENCES app_user (id),
  status text NOT NULL CHECK (status IN ('received', 'in-progress', 'closed')),
  status_changed_at timestamptz NOT NULL DEFAULT now(),
  closed_reason text,
  urgency text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, referral_id)
);
CREATE INDEX referral_receipt_list ON referral_receipt (organisation_id, created_at DESC, referral_id DESC);
CREATE INDEX referral_receipt_receiving ON referral_receipt (receiving_organisation_id, referral_id);

-- Retries of an API create return the first result; the key belongs to the calling organisation.
CREATE TABLE idempotency_key (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  request_hash text NOT NULL,
  receiving_organisation_id uuid NOT NULL,
  referral_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, key)
);

CREATE TABLE outbox_message (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  channel text NOT NULL CHECK (channel IN ('email', 'text')),
  recipient_kind text NOT NULL CHECK (recipient_kind IN ('referrer', 'person')),
  recipient text NOT NULL,
  template text NOT NULL,
  subject text NOT NULL,
  body text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX outbox_pending ON outbox_message (organisation_id, created_at) WHERE status = 'pending';

-- Row-level security. Tenant rows belong to the receiving service, except the receipt (the
-- referrer's) and idempotency keys (the caller's). An intake transaction switches context between
-- the two organisations it writes for; it never needs to read the other's rows.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['person', 'support_case', 'referral', 'referral_event', 'idempotency_key', 'outbox_message'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (organisation_id = app_current_organisation()) WITH CHECK (organisation_id = app_current_organisation())', t || '_tenant', t);
  END LOOP;
END
$$;

ALTER TABLE referral_receipt ENABLE ROW LEVEL SECURITY;
ALTER TABLE referral_receipt FORCE ROW LEVEL SECURITY;
CREATE POLICY referral_receipt_tenant ON referral_receipt
  USING (organisation_id = app_current_organisation() OR receiving_organisation_id = app_current_organisation())
  WITH CHECK (organisation_id = app_current_organisation() OR receiving_organisation_id = app_current_organisation());

ALTER TABLE programme ENABLE ROW LEVEL SECURITY;
ALTER TABLE programme FORCE ROW LEVEL SECURITY;
CREATE POLICY programme_read ON programme FOR SELECT USING (true);
CREATE POLICY programme_insert ON programme FOR INSERT WITH CHECK (organisation_id = app_current_organisation());
CREATE POLICY programme_update ON programme FOR UPDATE
  USING (organisation_id = app_current_organisation()) WITH CHECK (organisation_id = app_current_organisation());

GRANT SELECT, INSERT, UPDATE ON programme, need_code, person, support_case, referral, referral_receipt, outbox_message TO linkwork_app;
GRANT SELECT, INSERT ON referral_event, idempotency_key TO linkwork_app;
