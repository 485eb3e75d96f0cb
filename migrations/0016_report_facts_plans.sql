-- The report facts' functions are planned afresh on every call. PL/pgSQL keeps a statement's plan
-- for the session, and may settle on a generic one after a few calls: a plan made while the tables
-- were nearly empty (a new install, or `linkwork generate` at its start) scanned them whole ever after,
-- so each refresh grew slower as the records grew. On PGlite, which has no autovacuum, rebuilding the
-- facts of 5,000 generated referrals took 52 s with the kept plan and 3.7 s planned afresh
-- (docs/benchmarks.md). Planning one refresh costs well under a millisecond.
ALTER FUNCTION report_refresh(uuid[], uuid[]) SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION report_person_changed() SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION report_offer_changed() SET plan_cache_mode = force_custom_plan;
ALTER FUNCTION report_offer_event_changed() SET plan_cache_mode = force_custom_plan;
