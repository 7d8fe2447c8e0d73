-- presence-service's durable part: when each user was last connected. Live presence is in Redis;
-- this row outlives it (a Redis restart, an entry that expired long ago).
create table last_seen (
  user_id uuid primary key,
  last_seen timestamptz not null,
  updated_at timestamptz not null default now()
);
