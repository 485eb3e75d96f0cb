-- Bearer-token authentication in one statement.
--
-- Every API request used to authenticate in a transaction of its own: set the token hash, find the
-- token, set the organisation and user, read the membership (six round trips with BEGIN and COMMIT),
-- all before the request's real work. This function does the same checks in one call.
--
-- It runs as its owner (SECURITY DEFINER) only so that the application role may call it; it reads
-- nothing the caller could not read with the same settings, because it sets exactly the settings the
-- policies on api_token and membership ask for, and puts the caller's back before it returns. The
-- owner is held to row-level security too (FORCE), so the policies still decide what it sees. Given
-- anything but the hash of a live token it returns no row, and it says nothing about why.
CREATE FUNCTION app_authenticate_token(presented_hash text)
  RETURNS TABLE (organisation_id uuid, user_id uuid, role text, platform_admin boolean)
  LANGUAGE plpgsql VOLATILE SECURITY DEFINER
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
