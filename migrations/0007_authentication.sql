-- Authentication in one statement.
--
-- Every API request used to authenticate in a transaction of its own: set the token hash, find the
-- token, set the organisation and user, read the membership (six round trips with BEGIN and COMMIT),
-- and every page request in two (the session, then the memberships in a scoped transaction), all
-- before the request's real work. These functions make the same checks in one call each.
--
-- They run with the caller's rights (SECURITY INVOKER), not their owner's: the application role may
-- already read a token by its hash and a user's own memberships under the row-level security
-- policies, once the settings those policies ask for are made, and that is all these functions do
-- first. Running as the owner would add nothing but risk (on PGlite the owner is a superuser, which
-- row-level security does not hold). They put the caller's settings back before they return, so a
-- call inside a scoped transaction leaves its scope as it was. Given anything but the hash of a live
-- token or session they return no row, and say nothing about why.

CREATE FUNCTION app_authenticate_token(presented_hash text)
  RETURNS TABLE (organisation_id uuid, user_id uuid, role text, platform_admin boolean)
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER
  SET search_path = pg_catalog, public
  AS $$
#variable_conflict use_column
DECLARE
  caller_token_hash text := coalesce(current_setting('app.token_hash', true), '');
  caller_organisation text := coalesce(current_setting('app.organisation_id', true), '');
  caller_user text := coalesce(current_setting('app.user_id', true), '');
  found_token record;
  member_role text;
BEGIN
  IF presented_hash IS NULL OR presented_hash = '' THEN
    RETURN;
  END IF;
  PERFORM set_config('app.token_hash', presented_hash, true);
  SELECT t.organisation_id, t.user_id, t.last_used_at, u.platform_admin INTO found_token
    FROM api_token t JOIN app_user u ON u.id = t.user_id
    WHERE t.token_hash = presented_hash AND t.revoked_at IS NULL AND u.active;
  IF FOUND THEN
    PERFORM set_config('app.organisation_id', found_token.organisation_id::text, true),
            set_config('app.user_id', found_token.user_id::text, true);
    SELECT m.role INTO member_role
      FROM membership m
      WHERE m.organisation_id = found_token.organisation_id AND m.user_id = found_token.user_id AND m.active;
    IF member_role IS NOT NULL THEN
      -- Writing on every call would turn every API read into a write; a minute's slack is enough.
      IF found_token.last_used_at IS NULL OR found_token.last_used_at < now() - interval '1 minute' THEN
        UPDATE api_token t SET last_used_at = now()
          WHERE t.organisation_id = found_token.organisation_id AND t.token_hash = presented_hash;
      END IF;
      organisation_id := found_token.organisation_id;
      user_id := found_token.user_id;
      role := member_role;
      platform_admin := found_token.platform_admin;
      RETURN NEXT;
    END IF;
  END IF;
  PERFORM set_config('app.token_hash', caller_token_hash, true),
          set_config('app.organisation_id', caller_organisation, true),
          set_config('app.user_id', caller_user, true);
END
$$;

REVOKE ALL ON FUNCTION app_authenticate_token(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_authenticate_token(text) TO linkwork_app;

-- A browser session: its user, organisation and role, and how many organisations the user may
-- switch between. A session that is idle too long, past its absolute limit, or whose user or
-- membership was deactivated is deleted and gives no row.
CREATE FUNCTION app_find_session(presented_hash text, idle_minutes integer)
  RETURNS TABLE (user_id uuid, user_name text, platform_admin boolean, organisation_id uuid, organisation_name text, role text, membership_count integer)
  LANGUAGE plpgsql VOLATILE SECURITY INVOKER
  SET search_path = pg_catalog, public
  AS $$
#variable_conflict use_column
DECLARE
  caller_organisation text := coalesce(current_setting('app.organisation_id', true), '');
  caller_user text := coalesce(current_setting('app.user_id', true), '');
  found_session record;
  member_role text;
  memberships integer;
BEGIN
  SELECT s.user_id, s.organisation_id, s.last_seen_at, s.expires_at, u.name AS user_name, u.active, u.platform_admin, o.name AS organisation_name
    INTO found_session
    FROM user_session s JOIN app_user u ON u.id = s.user_id JOIN organisation o ON o.id = s.organisation_id
    WHERE s.id_hash = presented_hash;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF NOT found_session.active OR now() > found_session.expires_at
     OR now() - found_session.last_seen_at > make_interval(mins => idle_minutes) THEN
    DELETE FROM user_session s WHERE s.id_hash = presented_hash;
    RETURN;
  END IF;
  PERFORM set_config('app.organisation_id', found_session.organisation_id::text, true),
          set_config('app.user_id', found_session.user_id::text, true);
  SELECT max(m.role) FILTER (WHERE m.organisation_id = found_session.organisation_id), count(*)
    INTO member_role, memberships
    FROM membership m
    WHERE m.user_id = found_session.user_id AND m.active;
  PERFORM set_config('app.organisation_id', caller_organisation, true),
          set_config('app.user_id', caller_user, true);
  IF member_role IS NULL THEN
    DELETE FROM user_session s WHERE s.id_hash = presented_hash;
    RETURN;
  END IF;
  -- Writing last_seen_at on every request would turn reads into writes; a minute's slack is enough.
  IF now() - found_session.last_seen_at > interval '1 minute' THEN
    UPDATE user_session s SET last_seen_at = now() WHERE s.id_hash = presented_hash;
  END IF;
  user_id := found_session.user_id;
  user_name := found_session.user_name;
  platform_admin := found_session.platform_admin;
  organisation_id := found_session.organisation_id;
  organisation_name := found_session.organisation_name;
  role := member_role;
  membership_count := memberships;
  RETURN NEXT;
END
$$;

REVOKE ALL ON FUNCTION app_find_session(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app_find_session(text, integer) TO linkwork_app;
