-- Foundation: organisations, the people who use Linkwork, sessions, API tokens and the audit trail.
--
-- Application queries run as the role linkwork_app, which owns nothing and is never a superuser, so
-- row-level security applies to it. Tenant tables FORCE row-level security so even their owner is held
-- to the policies. The organisation (and acting user) come from per-transaction settings made with
-- set_config(..., true); outside such a transaction the policies match no tenant row.

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'linkwork_app') THEN
    CREATE ROLE linkwork_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
  -- Membership lets an owner login switch to the app role (single-login set-ups); a separate app
  -- login does not need it, and a non-superuser owner may not be allowed to grant it.
  IF NOT pg_has_role(current_user, 'linkwork_app', 'MEMBER') THEN
    BEGIN
      EXECUTE format('GRANT linkwork_app TO %I', current_user);
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'could not grant linkwork_app to %: connect the app as linkwork_app itself', current_user;
    END;
  END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO linkwork_app;

CREATE FUNCTION app_current_organisation() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.organisation_id', true), '')::uuid $$;

CREATE FUNCTION app_current_user() RETURNS uuid
  LANGUAGE sql STABLE
  AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

CREATE TABLE organisation (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 60),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  type text NOT NULL CHECK (type IN ('gp-practice', 'sp-service', 'vcse', 'local-authority', 'commissioner', 'other-referrer')),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Staff identities are global (one person may work for several organisations); what they may see is
-- decided by their memberships, which are tenant rows.
CREATE TABLE app_user (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  password_hash text,
  platform_admin boolean NOT NULL DEFAULT false,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_email ON app_user (email);

CREATE TABLE membership (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  user_id uuid NOT NULL REFERENCES app_user (id),
  role text NOT NULL CHECK (role IN ('admin', 'team-lead', 'link-worker', 'referrer', 'provider', 'commissioner')),
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX membership_user ON membership (user_id);

CREATE TABLE user_session (
  id_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user (id),
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX user_session_by_user ON user_session (user_id);

CREATE TABLE api_token (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES app_user (id),
  name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz,
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX api_token_user ON api_token (user_id);

CREATE TABLE user_invite (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES app_user (id),
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

-- Failed sign-ins keyed by a hash of the email address, so throttling never stores who tried.
CREATE TABLE sign_in_failure (
  email_key text NOT NULL,
  occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sign_in_failure_key ON sign_in_failure (email_key, occurred_at);

CREATE TABLE audit_event (
  organisation_id uuid NOT NULL REFERENCES organisation (id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  actor_user_id uuid REFERENCES app_user (id),
  actor_label text NOT NULL,
  action text NOT NULL CHECK (action ~ '^[a-z]+(-[a-z]+)*(\.[a-z]+(-[a-z]+)*)+$'),
  subject_type text NOT NULL,
  subject_id text,
  request_id text,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (organisation_id, id)
);
CREATE INDEX audit_event_time ON audit_event (organisation_id, occurred_at DESC, id DESC);

CREATE FUNCTION audit_event_is_append_only() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  RAISE EXCEPTION 'audit events cannot be changed or removed (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_is_append_only();

-- Row-level security: the second wall behind the service layer's own scoping.
ALTER TABLE membership ENABLE ROW LEVEL SECURITY;
ALTER TABLE membership FORCE ROW LEVEL SECURITY;
CREATE POLICY membership_read ON membership FOR SELECT
  USING (organisation_id = app_current_organisation() OR user_id = app_current_user());
CREATE POLICY membership_insert ON membership FOR INSERT
  WITH CHECK (organisation_id = app_current_organisation());
CREATE POLICY membership_update ON membership FOR UPDATE
  USING (organisation_id = app_current_organisation())
  WITH CHECK (organisation_id = app_current_organisation());

ALTER TABLE api_token ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_token FORCE ROW LEVEL SECURITY;
-- A bearer token is looked up by its hash before the organisation is known; the lookup names the
-- hash it is allowed to see and nothing else.
CREATE POLICY api_token_read ON api_token FOR SELECT
  USING (organisation_id = app_current_organisation()
         OR token_hash = nullif(current_setting('app.token_hash', true), ''));
CREATE POLICY api_token_insert ON api_token FOR INSERT
  WITH CHECK (organisation_id = app_current_organisation());
CREATE POLICY api_token_update ON api_token FOR UPDATE
  USING (organisation_id = app_current_organisation()
         OR token_hash = nullif(current_setting('app.token_hash', true), ''))
  WITH CHECK (organisation_id = app_current_organisation());

ALTER TABLE audit_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_event FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_event_read ON audit_event FOR SELECT
  USING (organisation_id = app_current_organisation());
CREATE POLICY audit_event_insert ON audit_event FOR INSERT
  WITH CHECK (organisation_id = app_current_organisation());

GRANT SELECT, INSERT, UPDATE ON organisation, app_user, membership, api_token, user_invite TO linkwork_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON user_session, sign_in_failure TO linkwork_app;
GRANT SELECT, INSERT ON audit_event TO linkwork_app;
