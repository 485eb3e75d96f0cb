-- Reporting: which social prescribing services a commissioner funds, and the reporting views that
-- dashboards, the quarterly return and benchmarks read.
--
-- A commissioner (ICB, PCN, local authority) sees numbers about the services it commissions and never
-- a person. Two things hold that line in the database, not only in the service layer:
--  1. Reports read only the report_* views below. They carry no name, NHS number, date of birth,
--     postcode unit, contact detail or free text: an age band instead of a date of birth, a postcode
--     district instead of a postcode, coded reasons instead of notes. linkwork_app may SELECT the
--     views; nothing else of another organisation is visible to it.
--  2. Each view keeps only rows of app_report_scope(): the caller's own organisation and the
--     services it commissions (from commissioning, under its own row-level security). The views run
--     with their owner's rights, so the owner gets a read-only policy to the same scope on each table
--     they read; linkwork_app gets no such policy, so its direct reads stay within its organisation.
-- Aggregation and suppression of small numbers ("fewer than 5") happen in src/features/reports.

CREATE TABLE commissioning (
  commissioner_organisation_id uuid NOT NULL REFERENCES organisation (id),
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  added_by uuid REFERENCES app_user (id),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (commissioner_organisation_id, organisation_id),
  CHECK (commissioner_organisation_id <> organisation_id)
);
CREATE INDEX commissioning_service ON commissioning (organisation_id);

-- Both sides may see the link; only the commissioner's context may make or end it (a platform admin
-- acts in the commissioner's context, as when creating an organisation).
ALTER TABLE commissioning ENABLE ROW LEVEL SECURITY;
ALTER TABLE commissioning FORCE ROW LEVEL SECURITY;
CREATE POLICY commissioning_read ON commissioning FOR SELECT
  USING (commissioner_organisation_id = app_current_organisation() OR organisation_id = app_current_organisation());
CREATE POLICY commissioning_insert ON commissioning FOR INSERT WITH CHECK (commissioner_organisation_id = app_current_organisation());
CREATE POLICY commissioning_delete ON commissioning FOR DELETE USING (commissioner_organisation_id = app_current_organisation());
GRANT SELECT, INSERT, DELETE ON commissioning TO linkwork_app;

CREATE FUNCTION app_report_scope() RETURNS SETOF uuid
  LANGUAGE sql STABLE ROWS 20
  AS $$
    SELECT app_current_organisation() WHERE app_current_organisation() IS NOT NULL
    UNION
    SELECT organisation_id FROM commissioning WHERE commissioner_organisation_id = app_current_organisation()
  $$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['person', 'referral', 'referral_event', 'support_case', 'case_contact', 'offer', 'offer_event',
                           'measure_record', 'gp_attendance', 'unmet_need'] LOOP
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO %I USING (organisation_id IN (SELECT app_report_scope()))', t || '_report', t, current_user);
  END LOOP;
END
$$;

-- Age bands as the quarterly return counts them; the age is at the day the referral was received.
CREATE FUNCTION report_age_band(born date, on_day date) RETURNS text
  LANGUAGE sql IMMUTABLE
  AS $$
    SELECT CASE
      WHEN age < 18 THEN 'under-18'
      WHEN age < 25 THEN '18-24'
      WHEN age < 35 THEN '25-34'
      WHEN age < 45 THEN '35-44'
      WHEN age < 55 THEN '45-54'
      WHEN age < 65 THEN '55-64'
      WHEN age < 75 THEN '65-74'
      ELSE '75-plus'
    END
    FROM (SELECT extract(year FROM age(on_day, born))::int AS age) a
  $$;

CREATE VIEW report_referral WITH (security_barrier) AS
SELECT r.organisation_id, r.id, r.programme_id, r.source_type, r.source_organisation_id, r.urgency, r.needs,
       cardinality(r.multiple_disadvantage) > 0 AS multiple_disadvantage, r.status, r.closed_reason, r.case_id,
       r.redirected_to, r.duplicate_of, r.created_at AS received_at, r.status_changed_at,
       CASE WHEN p.no_fixed_abode OR p.postcode IS NULL THEN NULL ELSE split_part(p.postcode, ' ', 1) END AS postcode_district,
       p.no_fixed_abode, report_age_band(p.date_of_birth, r.created_at::date) AS age_band, r.person_id
  FROM referral r
  JOIN person p ON p.organisation_id = r.organisation_id AND p.id = r.person_id
 WHERE r.organisation_id IN (SELECT app_report_scope());

CREATE VIEW report_referral_event WITH (security_barrier) AS
SELECT e.organisation_id, e.referral_id, e.action, e.from_status, e.to_status, e.occurred_at, e.snomed_code
  FROM referral_event e
 WHERE e.organisation_id IN (SELECT app_report_scope());

CREATE VIEW report_case WITH (security_barrier) AS
SELECT c.organisation_id, c.id, c.programme_id, c.referral_id, c.status, c.link_worker_user_id, c.multiple_disadvantage,
       c.opened_at, c.allocated_at, c.first_contact_on, c.closed_at, c.closed_reason
  FROM support_case c
 WHERE c.organisation_id IN (SELECT app_report_scope());

CREATE VIEW report_contact WITH (security_barrier) AS
SELECT k.organisation_id, k.case_id, k.contact_date, k.type, k.duration_minutes
  FROM case_contact k
 WHERE k.organisation_id IN (SELECT app_report_scope());

CREATE VIEW report_offer WITH (security_barrier) AS
SELECT o.organisation_id, o.id, o.case_id, o.directory_service_id, o.service_name, o.state, o.accompanied, o.created_at, o.state_changed_at
  FROM offer o
 WHERE o.organisation_id IN (SELECT app_report_scope());

CREATE VIEW report_offer_event WITH (security_barrier) AS
SELECT v.organisation_id, v.offer_id, v.kind, v.from_state, v.to_state, v.accompanied, v.session_on, v.occurred_at
  FROM offer_event v
 WHERE v.organisation_id IN (SELECT app_report_scope());

CREATE VIEW report_measure WITH (security_barrier) AS
SELECT m.organisation_id, m.case_id, m.measure_code, m.timepoint, m.completed_on, m.declined, m.scores
  FROM measure_record m
 WHERE m.organisation_id IN (SELECT app_report_scope());

CREATE VIEW report_gp_attendance WITH (security_barrier) AS
SELECT g.organisation_id, g.case_id, g.period, g.appointments
  FROM gp_attendance g
 WHERE g.organisation_id IN (SELECT app_report_scope());

CREATE VIEW report_unmet_need WITH (security_barrier) AS
SELECT u.organisation_id, u.need_code, u.area, u.recorded_on
  FROM unmet_need u
 WHERE u.organisation_id IN (SELECT app_report_scope());

GRANT SELECT ON report_referral, report_referral_event, report_case, report_contact, report_offer, report_offer_event,
                report_measure, report_gp_attendance, report_unmet_need TO linkwork_app;
