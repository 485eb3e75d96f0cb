-- Outcome measures: measures an administrator adds as data, each programme's choice of measures and
-- when they are due, measure records on cases (answers and computed scores, or a recorded decline),
-- and GP attendance before and after referral.

-- A measure defined as data (e.g. a licensed Outcomes Star): items, answer scale and scoring rule,
-- checked by the application before it is saved. Built-in measures (ons4, swemwbs, ucla3, ndt,
-- wemwbs) live in code and cannot be redefined here.
CREATE TABLE outcome_measure (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  code text NOT NULL CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(code) <= 40),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  definition jsonb NOT NULL,
  created_by_user_id uuid REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, code)
);

-- Wording for a built-in measure whose wording is licensed (the Warwick-Edinburgh scales). Linkwork
-- ships none; an organisation that has registered for the licence enters it, and its forms show it.
CREATE TABLE outcome_measure_wording (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  measure_code text NOT NULL CHECK (measure_code IN ('swemwbs', 'wemwbs')),
  items jsonb NOT NULL,
  answer_labels jsonb NOT NULL,
  set_by_user_id uuid REFERENCES app_user (id),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, measure_code)
);

-- Which measures a programme uses, for whom and when. A programme with no rows uses the defaults
-- (ONS4 for everyone; NDT and ONS4 for the multiple-disadvantage cohort).
CREATE TABLE programme_outcome_measure (
  organisation_id uuid NOT NULL,
  programme_id uuid NOT NULL,
  cohort text NOT NULL CHECK (cohort IN ('everyone', 'multiple-disadvantage')),
  measure_code text NOT NULL,
  timepoints text[] NOT NULL CHECK (cardinality(timepoints) > 0 AND timepoints <@ ARRAY['baseline', 'review', 'closure']),
  PRIMARY KEY (organisation_id, programme_id, cohort, measure_code),
  FOREIGN KEY (organisation_id, programme_id) REFERENCES programme (organisation_id, id)
);

-- Programme options: GP attendance is collected only where a programme says so.
CREATE TABLE programme_outcome_option (
  organisation_id uuid NOT NULL,
  programme_id uuid NOT NULL,
  gp_attendance boolean NOT NULL DEFAULT false,
  -- UCLA-3 "lonely" cut-off: the often-quoted 6+ is unverified, so none unless the service sets one.
  ucla_lonely_from integer CHECK (ucla_lonely_from BETWEEN 4 AND 9),
  PRIMARY KEY (organisation_id, programme_id),
  FOREIGN KEY (organisation_id, programme_id) REFERENCES programme (organisation_id, id)
);

-- One completed (or declined) measure. Records are never changed: a correction is a new record.
-- Scores are computed when recorded and kept, so a report shows what staff saw.
CREATE TABLE measure_record (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL,
  person_id uuid NOT NULL,
  measure_code text NOT NULL,
  timepoint text NOT NULL CHECK (timepoint IN ('baseline', 'review', 'closure')),
  -- The day the person completed it: answers on paper may be entered later.
  completed_on date NOT NULL,
  declined boolean NOT NULL DEFAULT false,
  answers jsonb,
  scores jsonb,
  recorded_by_user_id uuid REFERENCES app_user (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, id),
  FOREIGN KEY (organisation_id, case_id) REFERENCES support_case (organisation_id, id),
  FOREIGN KEY (organisation_id, person_id) REFERENCES person (organisation_id, id),
  -- A decline is recorded as a decline, never as a score.
  CHECK (declined = (answers IS NULL) AND declined = (scores IS NULL))
);
CREATE INDEX measure_record_case ON measure_record (organisation_id, case_id, measure_code, completed_on);
CREATE INDEX measure_record_completed ON measure_record (organisation_id, completed_on);

-- GP appointments in the 6 months before and the 6 months after the case's referral.
CREATE TABLE gp_attendance (
  organisation_id uuid NOT NULL,
  case_id uuid NOT NULL,
  period text NOT NULL CHECK (period IN ('before', 'after')),
  appointments integer NOT NULL CHECK (appointments BETWEEN 0 AND 999),
  source text NOT NULL CHECK (source IN ('entered', 'imported')),
  recorded_by_user_id uuid REFERENCES app_user (id),
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, case_id, period),
  FOREIGN KEY (organisation_id, case_id) REFERENCES support_case (organisation_id, id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['outcome_measure', 'outcome_measure_wording', 'programme_outcome_measure', 'programme_outcome_option', 'measure_record', 'gp_attendance'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I USING (organisation_id = app_current_organisation()) WITH CHECK (organisation_id = app_current_organisation())', t || '_tenant', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT ON outcome_measure, measure_record TO linkwork_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON programme_outcome_measure TO linkwork_app;
GRANT SELECT, INSERT, UPDATE ON outcome_measure_wording, programme_outcome_option, gp_attendance TO linkwork_app;
