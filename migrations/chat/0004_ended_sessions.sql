-- Login sessions that ended (user-events `session_ended`), kept while the
-- access tokens they cover may still be presented, so that an instance that
-- starts later refuses them too. Deleted users are in user_replica (deleted_at).
create table ended_sessions (
  event_id uuid primary key,
  user_id uuid not null,
  -- null: every session of the user up to `ended_at`.
  session_id uuid,
  ended_at timestamptz not null
);
create index ended_sessions_ended_at on ended_sessions (ended_at);
create index user_replica_deleted_at on user_replica (deleted_at) where deleted_at is not null;
