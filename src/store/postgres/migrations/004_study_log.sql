-- Up Migration
-- The study log (/log), the sharing choices of group weekly summaries, and a group's summary day.

-- Session ids count up per person and are never reused, as score ids.
ALTER TABLE users ADD COLUMN next_session_id integer NOT NULL DEFAULT 1;

CREATE TABLE study_sessions (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  id integer NOT NULL,
  -- The person's local day (their profile's time zone when they logged it).
  date date NOT NULL,
  questions integer NOT NULL,
  correct integer,
  exam text,
  note text,
  added_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, id)
);

-- A person's consent, per group chat, to be counted in its weekly summary; name only when agreed.
CREATE TABLE log_shares (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  address text NOT NULL,
  since timestamptz NOT NULL,
  name text,
  PRIMARY KEY (user_id, address)
);
CREATE INDEX log_shares_address ON log_shares (address);

ALTER TABLE subscriptions ADD COLUMN summary_day text;

-- Down Migration
ALTER TABLE subscriptions DROP COLUMN summary_day;
DROP TABLE log_shares;
DROP TABLE study_sessions;
ALTER TABLE users DROP COLUMN next_session_id;
