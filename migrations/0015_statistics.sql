-- Fresh planner statistics on request. PGlite has no autovacuum, so on the embedded database no
-- table ever gets statistics by itself, and the planner guesses: on a 100,000-referral year the equity
-- dashboard took 96 s a statement instead of under 1 s once the tables had been analysed
-- (docs/benchmarks.md). The server asks for this on PGlite, and the generator after a bulk load.
-- ANALYZE needs the tables' owner, hence SECURITY DEFINER; it takes no arguments, so the app role can
-- do nothing with it but refresh statistics. Only the owner's own tables: no warnings for the catalogs.
CREATE FUNCTION app_refresh_statistics() RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE t text;
BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user ORDER BY tablename LOOP
    EXECUTE format('ANALYZE %I', t);
  END LOOP;
END
$$;
REVOKE ALL ON FUNCTION app_refresh_statistics() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_refresh_statistics() TO linkwork_app;
