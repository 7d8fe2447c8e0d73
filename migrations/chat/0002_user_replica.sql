-- chat-service's copy of users (DESIGN §6), fed by `user-events`. A deleted
-- user keeps a tombstone (no name, no email) so that older events arriving
-- late cannot bring the user back.
create table user_replica (
  user_id uuid primary key,
  username text,
  email text,
  -- Time of the newest event applied; rows written through from gRPC use -infinity.
  version_at timestamptz not null,
  last_event_id uuid,
  deleted_at timestamptz
);

-- Events already applied: a replayed event changes nothing.
create table user_replica_events (
  event_id uuid primary key,
  applied_at timestamptz not null default now()
);
create index user_replica_events_applied_at on user_replica_events (applied_at);
