-- Up Migration
-- Rate budgets shared by every Stepwise process on this database (rate-limiter-flexible's
-- RateLimiterPostgres table): a person's commands, Telegram's overall and per-group sends.
-- A row is a key (the limiter's name and a user or chat id), the points spent in the current
-- window and when that window ends (ms since the epoch); rows an hour past their end are deleted.
CREATE TABLE rate_limits (
  key varchar(255) PRIMARY KEY,
  points integer NOT NULL DEFAULT 0,
  expire bigint
);

-- Down Migration
DROP TABLE rate_limits;
