-- Up Migration
-- The Match a nudge follows (its daily nudge may carry a line about the season's next milestone),
-- and the last local day each milestone was mentioned (at most weekly, plus the day before and the
-- day of it). A profile's Match is a field of users.profile (jsonb) and needs no column.
ALTER TABLE subscriptions ADD COLUMN match integer;
ALTER TABLE subscriptions ADD COLUMN milestones_shown jsonb;

-- Down Migration
ALTER TABLE subscriptions DROP COLUMN milestones_shown;
ALTER TABLE subscriptions DROP COLUMN match;
