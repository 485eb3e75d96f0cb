-- The report views stop being security barriers, so the planner may merge them into the report's
-- query and use the tables' indexes across joins. As barriers, every view was planned on its own and
-- a join between two of them fell back to a nested loop comparing every pair of rows: the flow
-- dashboard's introductions took minutes for an integrated care board at national scale.
--
-- Nothing is given up. On PostgreSQL each table the views read applies its row-level security policy
-- for the views' owner (organisation_id IN app_report_scope()), and row-level security quals are
-- always barrier quals: no function in a report's query sees a row outside the scope first. The views
-- still select only their non-personal columns and still filter by app_report_scope() themselves
-- (for PGlite, whose owner is a superuser). The app role cannot create functions to leak rows with.
ALTER VIEW report_referral_event SET (security_barrier = false);
ALTER VIEW report_case SET (security_barrier = false);
ALTER VIEW report_contact SET (security_barrier = false);
ALTER VIEW report_offer SET (security_barrier = false);
ALTER VIEW report_offer_event SET (security_barrier = false);
ALTER VIEW report_measure SET (security_barrier = false);
ALTER VIEW report_gp_attendance SET (security_barrier = false);
ALTER VIEW report_unmet_need SET (security_barrier = false);

-- report_referral loses person_id: no report counts people across referrals, and a view for
-- commissioners carries nothing it does not need.
DROP VIEW report_referral;
CREATE VIEW report_referral AS
SELECT r.organisation_id, r.id, r.programme_id, r.source_type, r.source_organisation_id, r.urgency, r.needs,
       cardinality(r.multiple_disadvantage) > 0 AS multiple_disadvantage, r.status, r.closed_reason, r.case_id,
       r.redirected_to, r.duplicate_of, r.created_at AS received_at, r.status_changed_at,
       CASE WHEN p.no_fixed_abode OR p.postcode IS NULL THEN NULL ELSE split_part(p.postcode, ' ', 1) END AS postcode_district,
       p.no_fixed_abode, report_age_band(p.date_of_birth, r.created_at::date) AS age_band
  FROM referral r
  JOIN person p ON p.organisation_id = r.organisation_id AND p.id = r.person_id
 WHERE r.organisation_id IN (SELECT app_report_scope());
GRANT SELECT ON report_referral TO linkwork_app;
