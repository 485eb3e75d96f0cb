-- Report facts: one pre-joined row per referral and one per offer, kept up to date by triggers, for
-- the dashboards to aggregate.
--
-- Why: a dashboard figure over the report_* views joins referral, person, case, referral events,
-- offers and offer events for every referral of an integrated care board. At national scale
-- (1,000,000 referrals a year) the planner's row estimates through those joins were often wrong by
-- orders of magnitude, and one figure took 0.1 s in one run and 10 s in the next. A fact row holds
-- each referral's journey already joined (accepted, first contact, engaged, connected, closed), so
-- every figure is one scan of one table through an index on (organisation, date): the same plan at
-- every size.
--
-- Kept exact, not refreshed nightly: each statement that writes a referral, person, case, referral
-- event, offer or offer event recomputes the facts of the referrals it touched, in the same
-- transaction, through report_refresh() below. So there is one definition of each fact, and a
-- dashboard never disagrees with the record it summarises. Statement-level triggers with transition
-- tables keep bulk writes (the generator writes 5,000 rows a statement) to one set-based refresh.
--
-- Like the report_* views, facts carry no name, NHS number, date of birth, postcode unit, contact
-- detail or free text. linkwork_app may only read them, and only within app_report_scope(); the
-- refresh runs with the owner's rights (SECURITY DEFINER) and under the writer's organisation.

CREATE TABLE report_referral_fact (
  organisation_id uuid NOT NULL,
  referral_id uuid NOT NULL,
  programme_id uuid NOT NULL,
  received_at timestamptz NOT NULL,
  source_type text NOT NULL,
  source_organisation_id uuid,
  urgency text NOT NULL,
  needs text[] NOT NULL,
  status text NOT NULL,
  status_changed_at timestamptz NOT NULL,
  closed_reason text,
  redirected_to uuid,
  duplicate_of uuid,
  postcode_district text,
  no_fixed_abode boolean NOT NULL,
  age_band text NOT NULL,
  referral_md boolean NOT NULL,
  case_id uuid,
  case_status text,
  case_md boolean,
  opened_at timestamptz,
  allocated_at timestamptz,
  first_contact_on date,
  -- From the day the referral arrived in England to the day of the first contact.
  days_to_first_contact integer,
  case_closed_at timestamptz,
  case_closed_reason text,
  -- The referral reached "engaged" at some point.
  engaged boolean NOT NULL,
  -- At least one offer of its case reached "attending" (or "completed").
  connected boolean NOT NULL,
  -- The cohort every dashboard filters and splits by: the case's multiple-disadvantage status (the
  -- link worker keeps it up to date), or the referral's before a case is opened.
  md boolean GENERATED ALWAYS AS (coalesce(case_md, referral_md)) STORED,
  PRIMARY KEY (organisation_id, referral_id),
  FOREIGN KEY (organisation_id, referral_id) REFERENCES referral (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX report_referral_fact_received ON report_referral_fact (organisation_id, received_at);
CREATE INDEX report_referral_fact_closed ON report_referral_fact (organisation_id, case_closed_at) WHERE case_closed_at IS NOT NULL;
-- For figures that start from a case's own records (GP attendance, outcome measures).
CREATE INDEX report_referral_fact_case ON report_referral_fact (organisation_id, case_id) WHERE case_id IS NOT NULL;

CREATE TABLE report_offer_fact (
  organisation_id uuid NOT NULL,
  offer_id uuid NOT NULL,
  case_id uuid NOT NULL,
  referral_id uuid NOT NULL,
  -- The referral's source, for the GP practice filter, and the case's cohort.
  source_organisation_id uuid,
  md boolean NOT NULL,
  directory_service_id uuid NOT NULL,
  state text NOT NULL,
  accompanied boolean NOT NULL,
  created_at timestamptz NOT NULL,
  -- Where the offer has been, from its history: a person who went and later stopped did take it up.
  interested boolean NOT NULL,
  introduced boolean NOT NULL,
  went boolean NOT NULL,
  -- Every time it was introduced, oldest first (an offer may be introduced again after a pause).
  introduced_at timestamptz[] NOT NULL,
  PRIMARY KEY (organisation_id, offer_id),
  FOREIGN KEY (organisation_id, offer_id) REFERENCES offer (organisation_id, id) ON DELETE CASCADE
);
CREATE INDEX report_offer_fact_created ON report_offer_fact (organisation_id, created_at);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['report_referral_fact', 'report_offer_fact'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    -- Written only by report_refresh(), in the organisation whose record changed.
    EXECUTE format('CREATE POLICY %I ON %I USING (organisation_id = app_current_organisation()) WITH CHECK (organisation_id = app_current_organisation())', t || '_tenant', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT USING (organisation_id IN (SELECT app_report_scope()))', t || '_report', t);
    EXECUTE format('GRANT SELECT ON %I TO linkwork_app', t);
  END LOOP;
END
$$;

-- Recomputes the facts of the referrals given (as parallel arrays of organisation and referral id)
-- and of their cases' offers.
CREATE FUNCTION report_refresh(organisation_ids uuid[], referral_ids uuid[]) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
BEGIN
  IF organisation_ids IS NULL OR cardinality(organisation_ids) = 0 THEN
    RETURN;
  END IF;

  INSERT INTO report_referral_fact (
    organisation_id, referral_id, programme_id, received_at, source_type, source_organisation_id, urgency, needs, status,
    status_changed_at, closed_reason, redirected_to, duplicate_of, postcode_district, no_fixed_abode, age_band, referral_md,
    case_id, case_status, case_md, opened_at, allocated_at, first_contact_on, days_to_first_contact, case_closed_at,
    case_closed_reason, engaged, connected)
  SELECT r.organisation_id, r.id, r.programme_id, r.created_at, r.source_type, r.source_organisation_id, r.urgency, r.needs, r.status,
         r.status_changed_at, r.closed_reason, r.redirected_to, r.duplicate_of,
         CASE WHEN p.no_fixed_abode OR p.postcode IS NULL THEN NULL ELSE split_part(p.postcode, ' ', 1) END,
         p.no_fixed_abode, report_age_band(p.date_of_birth, r.created_at::date), cardinality(r.multiple_disadvantage) > 0,
         c.id, c.status, c.multiple_disadvantage, c.opened_at, c.allocated_at, c.first_contact_on,
         c.first_contact_on - (r.created_at AT TIME ZONE 'Europe/London')::date, c.closed_at, c.closed_reason,
         EXISTS (SELECT 1 FROM referral_event e
                  WHERE e.organisation_id = r.organisation_id AND e.referral_id = r.id AND e.to_status = 'engaged'),
         c.id IS NOT NULL AND EXISTS (
           SELECT 1 FROM offer o JOIN offer_event v ON v.organisation_id = o.organisation_id AND v.offer_id = o.id
            WHERE o.organisation_id = c.organisation_id AND o.case_id = c.id AND v.to_state IN ('attending', 'completed'))
    FROM (SELECT DISTINCT k.organisation_id, k.id FROM unnest(organisation_ids, referral_ids) AS k(organisation_id, id)) k
    JOIN referral r ON r.organisation_id = k.organisation_id AND r.id = k.id
    JOIN person p ON p.organisation_id = r.organisation_id AND p.id = r.person_id
    LEFT JOIN support_case c ON c.organisation_id = r.organisation_id AND c.id = r.case_id
  ON CONFLICT (organisation_id, referral_id) DO UPDATE SET
    (programme_id, received_at, source_type, source_organisation_id, urgency, needs, status, status_changed_at, closed_reason,
     redirected_to, duplicate_of, postcode_district, no_fixed_abode, age_band, referral_md, case_id, case_status, case_md,
     opened_at, allocated_at, first_contact_on, days_to_first_contact, case_closed_at, case_closed_reason, engaged, connected)
    = (EXCLUDED.programme_id, EXCLUDED.received_at, EXCLUDED.source_type, EXCLUDED.source_organisation_id, EXCLUDED.urgency,
       EXCLUDED.needs, EXCLUDED.status, EXCLUDED.status_changed_at, EXCLUDED.closed_reason, EXCLUDED.redirected_to,
       EXCLUDED.duplicate_of, EXCLUDED.postcode_district, EXCLUDED.no_fixed_abode, EXCLUDED.age_band, EXCLUDED.referral_md,
       EXCLUDED.case_id, EXCLUDED.case_status, EXCLUDED.case_md, EXCLUDED.opened_at, EXCLUDED.allocated_at,
       EXCLUDED.first_contact_on, EXCLUDED.days_to_first_contact, EXCLUDED.case_closed_at, EXCLUDED.case_closed_reason,
       EXCLUDED.engaged, EXCLUDED.connected);

  -- Offers belong to the case, and take their practice from the referral that opened it.
  INSERT INTO report_offer_fact (
    organisation_id, offer_id, case_id, referral_id, source_organisation_id, md, directory_service_id, state, accompanied,
    created_at, interested, introduced, went, introduced_at)
  SELECT DISTINCT ON (o.organisation_id, o.id)
         o.organisation_id, o.id, o.case_id, c.referral_id, cr.source_organisation_id, c.multiple_disadvantage,
         o.directory_service_id, o.state, o.accompanied, o.created_at,
         coalesce(h.interested, false), coalesce(h.introduced, false), coalesce(h.went, false), coalesce(h.introduced_at, '{}')
    FROM (SELECT DISTINCT k.organisation_id, k.id FROM unnest(organisation_ids, referral_ids) AS k(organisation_id, id)) k
    JOIN referral r ON r.organisation_id = k.organisation_id AND r.id = k.id
    JOIN support_case c ON c.organisation_id = r.organisation_id AND c.id = r.case_id
    JOIN referral cr ON cr.organisation_id = c.organisation_id AND cr.id = c.referral_id
    JOIN offer o ON o.organisation_id = c.organisation_id AND o.case_id = c.id
    LEFT JOIN LATERAL (
      SELECT bool_or(v.to_state = 'interested') AS interested,
             bool_or(v.to_state = 'introduced') AS introduced,
             bool_or(v.to_state IN ('attending', 'completed')) AS went,
             array_agg(v.occurred_at ORDER BY v.occurred_at) FILTER (WHERE v.to_state = 'introduced' AND v.kind = 'transition') AS introduced_at
        FROM offer_event v
       WHERE v.organisation_id = o.organisation_id AND v.offer_id = o.id) h ON true
   ORDER BY o.organisation_id, o.id
  ON CONFLICT (organisation_id, offer_id) DO UPDATE SET
    (case_id, referral_id, source_organisation_id, md, directory_service_id, state, accompanied, created_at, interested,
     introduced, went, introduced_at)
    = (EXCLUDED.case_id, EXCLUDED.referral_id, EXCLUDED.source_organisation_id, EXCLUDED.md, EXCLUDED.directory_service_id,
       EXCLUDED.state, EXCLUDED.accompanied, EXCLUDED.created_at, EXCLUDED.interested, EXCLUDED.introduced, EXCLUDED.went,
       EXCLUDED.introduced_at);
END
$$;
REVOKE ALL ON FUNCTION report_refresh(uuid[], uuid[]) FROM PUBLIC;

-- One trigger function per source table: each finds the referrals its changed rows belong to.
CREATE FUNCTION report_referral_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
BEGIN
  PERFORM report_refresh(array_agg(organisation_id), array_agg(id)) FROM changed;
  RETURN NULL;
END
$$;

CREATE FUNCTION report_person_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
BEGIN
  PERFORM report_refresh(array_agg(r.organisation_id), array_agg(r.id))
     FROM changed p JOIN referral r ON r.organisation_id = p.organisation_id AND r.person_id = p.id;
  RETURN NULL;
END
$$;

CREATE FUNCTION report_case_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
BEGIN
  PERFORM report_refresh(array_agg(organisation_id), array_agg(referral_id)) FROM changed;
  RETURN NULL;
END
$$;

CREATE FUNCTION report_referral_event_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
BEGIN
  PERFORM report_refresh(array_agg(organisation_id), array_agg(referral_id)) FROM changed WHERE to_status = 'engaged';
  RETURN NULL;
END
$$;

CREATE FUNCTION report_offer_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
BEGIN
  PERFORM report_refresh(array_agg(c.organisation_id), array_agg(c.referral_id))
     FROM (SELECT DISTINCT organisation_id, case_id FROM changed) o
     JOIN support_case c ON c.organisation_id = o.organisation_id AND c.id = o.case_id;
  RETURN NULL;
END
$$;

CREATE FUNCTION report_offer_event_changed() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
BEGIN
  PERFORM report_refresh(array_agg(c.organisation_id), array_agg(c.referral_id))
     FROM (SELECT DISTINCT organisation_id, offer_id FROM changed) v
     JOIN offer o ON o.organisation_id = v.organisation_id AND o.id = v.offer_id
     JOIN support_case c ON c.organisation_id = o.organisation_id AND c.id = o.case_id;
  RETURN NULL;
END
$$;

-- Transition tables allow one event per trigger, so inserts and updates each have their own.
CREATE TRIGGER report_referral_inserted AFTER INSERT ON referral REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION report_referral_changed();
CREATE TRIGGER report_referral_updated AFTER UPDATE ON referral REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION report_referral_changed();
CREATE TRIGGER report_person_updated AFTER UPDATE ON person REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION report_person_changed();
CREATE TRIGGER report_case_inserted AFTER INSERT ON support_case REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION report_case_changed();
CREATE TRIGGER report_case_updated AFTER UPDATE ON support_case REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION report_case_changed();
CREATE TRIGGER report_referral_event_inserted AFTER INSERT ON referral_event REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION report_referral_event_changed();
CREATE TRIGGER report_offer_inserted AFTER INSERT ON offer REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION report_offer_changed();
CREATE TRIGGER report_offer_updated AFTER UPDATE ON offer REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION report_offer_changed();
CREATE TRIGGER report_offer_event_inserted AFTER INSERT ON offer_event REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION report_offer_event_changed();

-- The facts of everything already recorded, one organisation at a time: on PostgreSQL the owner
-- reads each organisation's rows under its row-level security like anyone else.
DO $$
DECLARE org uuid;
BEGIN
  FOR org IN SELECT id FROM organisation LOOP
    PERFORM set_config('app.organisation_id', org::text, true);
    PERFORM report_refresh(array_agg(organisation_id), array_agg(id)) FROM referral WHERE organisation_id = org;
  END LOOP;
  PERFORM set_config('app.organisation_id', '', true);
END
$$;
