-- Casework: programme settings, link workers' capacity, contacts, what matters to the person,
-- safety, and the case's own history (pauses, closures, reopening, MD status, allocation).

-- A programme's rules. No row means the defaults (6 meetings, MD exempt, weights 1 and 2, capacity
-- 30 units, first contact in 5 working days, 3 attempts). Changes are audited.
CREATE TABLE programme_setting (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  programme_id uuid NOT NULL,
  session_cap integer CHECK (session_cap BETWEEN 1 AND 200),
  md_exempt_from_cap boolean NOT NULL DEFAULT true,
  weight_standard numeric(4, 1) NOT NULL DEFAULT 1 CHECK (weight_standard BETWEEN 0.5 AND 10),
  weight_md numeric(4, 1) NOT NULL DEFAULT 2 CHECK (weight_md BETWEEN 0.5 AND 10),
  default_capacity integer NOT NULL DEFAULT 30 CHECK (default_capacity BETWEEN 1 AND 500),
  first_contact_working_days integer NOT NULL DEFAULT 5 CHECK (first_contact_working_days BETWEEN 1 AND 60),
  attempts_before_review integer NOT NULL DEFAULT 3 CHECK (attempts_before_review BETWEEN 1 AND 20),
  updated_by uuid REFERENCES app_user (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, programme_id),
  FOREIGN KEY (organisation_id, programme_id) REFERENCES programme (organisation_id, id)
);

-- A link worker's capacity in weighted units, when it differs from the programme's default
-- (part-time, new in post).
CREATE TABLE link_worker_capacity (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  user_id uuid NOT NULL REFERENCES app_user (id),
  capacity numeric(5, 1) NOT NULL CHECK (capacity BETWEEN 0 AND 500),
  updated_by uuid REFERENCES app_user (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, user_id)
);

-- When the case was allocated (first contact is due from then), when first contact was made, and
-- when a paused case is to be looked at again.
ALTER TABLE support_case ADD COLUMN allocated_at timestamptz;
ALTER TABLE support_case ADD COLUMN first_contact_on date;
ALTER TABLE support_case ADD COLUMN review_date date;
CREATE INDEX support_case_person ON support_case (organisation_id, person_id);
CREATE INDEX support_case_open ON support_case (organisation_id, status, opened_at) WHERE status <> 'closed';

CREATE TABLE case_contact (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL,
  contact_date date NOT NULL,
  type text NOT NULL CHECK (type IN ('face-to-face', 'phone', 'video', 'text', 'home-visit', 'outreach', 'accompanied-visit', 'attempted')),
  duration_minutes integer CHECK (duration_minutes BETWEEN 1 AND 720),
  location text CHECK (length(location) <= 200),
  note text CHECK (length(note) <= 2000),
  -- Only the allocated link worker and team leads read a sensitive note (the service enforces it).
  sensitive boolean NOT NULL DEFAULT false,
  next_step text CHECK (length(next_step) <= 500),
  next_step_date date,
  recorded_by uuid REFERENCES app_user (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, case_id) REFERENCES support_case (organisation_id, id)
);
CREATE INDEX case_contact_case ON case_contact (organisation_id, case_id, contact_date DESC, recorded_at DESC);

-- What matters to the person: needs (coded, from the referral or the conversation), strengths and
-- goals in their own words. Items set aside are kept with the date, not deleted.
CREATE TABLE case_need (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  case_id uuid NOT NULL,
  need_code text NOT NULL REFERENCES need_code (code),
  source text NOT NULL CHECK (source IN ('referral', 'conversation')),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, case_id, need_code),
  FOREIGN KEY (organisation_id, case_id) REFERENCES support_case (organisation_id, id)
);

CREATE TABLE case_plan_item (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('strength', 'goal')),
  words text NOT NULL CHECK (length(btrim(words)) BETWEEN 1 AND 500),
  position integer NOT NULL,
  added_by uuid REFERENCES app_user (id),
  added_at timestamptz NOT NULL DEFAULT now(),
  set_aside_at timestamptz,
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, case_id) REFERENCES support_case (organisation_id, id)
);
CREATE INDEX case_plan_item_case ON case_plan_item (organisation_id, case_id, kind, position);

-- Safety flags belong to the person (they hold across cases). Nothing happens automatically on a flag.
CREATE TABLE person_safety (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  person_id uuid NOT NULL,
  risk boolean NOT NULL DEFAULT false,
  risk_note text CHECK (length(risk_note) <= 1000),
  lone_working boolean NOT NULL DEFAULT false,
  lone_working_note text CHECK (length(lone_working_note) <= 1000),
  updated_by uuid REFERENCES app_user (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, person_id),
  FOREIGN KEY (organisation_id, person_id) REFERENCES person (organisation_id, id)
);

CREATE TABLE safeguarding_concern (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL,
  what text NOT NULL CHECK (length(btrim(what)) BETWEEN 1 AND 2000),
  raised_on date NOT NULL,
  raised_with text NOT NULL CHECK (length(btrim(raised_with)) BETWEEN 1 AND 200),
  recorded_by uuid REFERENCES app_user (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, case_id) REFERENCES support_case (organisation_id, id)
);
CREATE INDEX safeguarding_concern_case ON safeguarding_concern (organisation_id, case_id, raised_on DESC);

-- The case's history beside the referral's: why it paused and when to look again, why it closed (in
-- casework's words), reopening, MD status changes with the reason, and every (re-)allocation with
-- any over-capacity reason. Never updated or deleted.
CREATE TABLE case_event (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  case_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('paused', 'resumed', 'closed', 'reopened', 'md-changed', 'allocated')),
  reason text CHECK (length(reason) <= 500),
  review_date date,
  close_reason text CHECK (close_reason IN ('goals-met', 'person-chose-to-stop', 'moved-away', 'unable-to-contact', 'transferred', 'died')),
  multiple_disadvantage boolean,
  link_worker_user_id uuid REFERENCES app_user (id),
  override_reason text CHECK (length(override_reason) <= 500),
  load_after numeric(6, 1),
  capacity numeric(5, 1),
  actor_user_id uuid REFERENCES app_user (id),
  actor_label text NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, case_id) REFERENCES support_case (organisation_id, id)
);
CREATE INDEX case_event_case ON case_event (organisation_id, case_id, id);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['programme_setting', 'link_worker_capacity', 'case_contact', 'case_need', 'case_plan_item', 'person_safety', 'safeguarding_concern', 'case_event'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (organisation_id = app_current_organisation()) WITH CHECK (organisation_id = app_current_organisation())', t || '_tenant', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE ON programme_setting, link_worker_capacity, case_plan_item, person_safety TO linkwork_app;
GRANT SELECT, INSERT, DELETE ON case_need TO linkwork_app;
GRANT SELECT, INSERT ON case_contact, safeguarding_concern, case_event TO linkwork_app;

-- Cases opened before casework existed: their needs from the referral, and when they were allocated
-- and first contacted, from the referral's history.
INSERT INTO case_need (organisation_id, case_id, need_code, source)
SELECT c.organisation_id, c.id, n.code, 'referral'
FROM support_case c
JOIN referral r ON r.organisation_id = c.organisation_id AND r.id = c.referral_id
CROSS JOIN LATERAL unnest(r.needs) AS n(code)
WHERE EXISTS (SELECT 1 FROM need_code WHERE need_code.code = n.code)
ON CONFLICT DO NOTHING;

UPDATE support_case c SET
  allocated_at = (SELECT max(e.occurred_at) FROM referral_event e WHERE e.organisation_id = c.organisation_id AND e.referral_id = c.referral_id AND e.action = 'allocate'),
  first_contact_on = (SELECT min(e.occurred_at)::date FROM referral_event e WHERE e.organisation_id = c.organisation_id AND e.referral_id = c.referral_id AND e.action = 'record-first-contact')
WHERE c.link_worker_user_id IS NOT NULL;
