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
ALTER VIEW report_referral SET (security_barrier = false);
ALTER VIEW report_referral_event SET (security_barrier = false);
ALTER VIEW report_case SET (security_barrier = false);
ALTER VIEW report_contact SET (security_barrier = false);
ALTER VIEW report_offer SET (security_barrier = false);
ALTER VIEW report_offer_event SET (security_barrier = false);
ALTER VIEW report_measure SET (security_barrier = false);
ALTER VIEW report_gp_attendance SET (security_barrier = false);
ALTER VIEW report_unmet_need SET (security_barrier = false);
