// The event log is the permanent record (Temporal keeps closed runs only for the namespace's
// retention); it is append-only, enforced by the database itself.
export const sql = `
CREATE TABLE base_events (
  base_id        text        NOT NULL,
  seq            integer     NOT NULL,
  type           text        NOT NULL,
  at             timestamptz NOT NULL,
  actor          jsonb       NOT NULL,
  command_id     text        NOT NULL,
  from_stage     text,
  to_stage       text        NOT NULL,
  policy_version text        NOT NULL,
  payload        jsonb       NOT NULL,
  workflow_id    text        NOT NULL,
  run_id         text        NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (base_id, seq)
);
CREATE INDEX base_events_command ON base_events (base_id, command_id);

CREATE FUNCTION base_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'base_events is append-only';
END $$;
CREATE TRIGGER base_events_no_update BEFORE UPDATE OR DELETE ON base_events
  FOR EACH ROW EXECUTE FUNCTION base_events_append_only();

CREATE TABLE bases (
  id                text        PRIMARY KEY,
  version           integer     NOT NULL,
  stage             text        NOT NULL,
  district          text        NOT NULL,
  applicant_name    text        NOT NULL,
  credit_code       text        NOT NULL,
  policy_version    text        NOT NULL,
  latest_rating     text,
  publicity_ends_at timestamptz,
  submitted_at      timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  state             jsonb       NOT NULL
);
CREATE INDEX bases_stage ON bases (stage, updated_at DESC);
CREATE INDEX bases_district ON bases (district, updated_at DESC);
CREATE INDEX bases_credit_code ON bases (credit_code);
CREATE INDEX bases_rating ON bases (latest_rating);

CREATE TABLE notifications (
  base_id        text        NOT NULL,
  seq            integer     NOT NULL,
  idx            integer     NOT NULL,
  event_type     text        NOT NULL,
  recipient_kind text        NOT NULL,
  recipient_id   text        NOT NULL,
  subject        text        NOT NULL,
  body           text        NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  sent_at        timestamptz,
  PRIMARY KEY (base_id, seq, idx)
);
CREATE INDEX notifications_unsent ON notifications (created_at) WHERE sent_at IS NULL;

CREATE TABLE calendar_years (
  year      integer     PRIMARY KEY,
  holidays  jsonb       NOT NULL,
  workdays  jsonb       NOT NULL,
  source    text        NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now(),
  loaded_by jsonb
);

CREATE TABLE certification_notices (
  base_id text    PRIMARY KEY,
  year    integer NOT NULL,
  serial  integer NOT NULL,
  UNIQUE (year, serial)
);
`;
