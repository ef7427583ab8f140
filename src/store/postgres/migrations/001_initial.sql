-- Up Migration
-- Stepwise's first schema: the aggregates of src/core/repositories.ts, one table each.

-- A person and their profile (validated by the profile schema in src/core/records.ts when read).
CREATE TABLE users (
  id text PRIMARY KEY,
  profile jsonb NOT NULL DEFAULT '{"exam_dates": {}}',
  -- Score ids count up per user and are never reused, so "/score remove id:3" always means one test.
  next_score_id integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE practice_scores (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  id integer NOT NULL,
  exam text NOT NULL,
  test text NOT NULL,
  kind text NOT NULL,
  value double precision NOT NULL,
  date date NOT NULL,
  added_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, id)
);

-- A chat's daily study nudge, keyed by the chat's address (adapter-encoded).
CREATE TABLE subscriptions (
  address text PRIMARY KEY,
  chat_kind text NOT NULL,
  owner text,
  time text NOT NULL,
  timezone text NOT NULL,
  exam_date date,
  exam text NOT NULL,
  started_day date NOT NULL,
  next_day date NOT NULL,
  next_at timestamptz NOT NULL,
  last_sent_day date,
  delivered_day date,
  shown_tips text[] NOT NULL DEFAULT '{}',
  ended_on date
);
-- The nudge queue claims the earliest due first among those still running.
CREATE INDEX subscriptions_due ON subscriptions (next_at) WHERE ended_on IS NULL;
CREATE INDEX subscriptions_owner ON subscriptions (owner) WHERE owner IS NOT NULL;

-- Chats the bot cannot post to.
CREATE TABLE chats (
  address text PRIMARY KEY,
  reason text NOT NULL,
  since timestamptz NOT NULL,
  owner text
);
CREATE INDEX chats_owner ON chats (owner) WHERE owner IS NOT NULL;

-- Down Migration
DROP TABLE chats;
DROP TABLE subscriptions;
DROP TABLE practice_scores;
DROP TABLE users;
