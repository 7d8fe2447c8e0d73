-- Message history of the embedded mode (PGlite). The real deployment keeps it
-- in Cassandra (migrations/cassandra); the same MessageStore contract holds.
create table messages (
  channel_id uuid not null,
  id uuid not null,
  -- The millisecond time inside the time-based id: history pages order by (sent_at, id).
  sent_at timestamptz not null,
  user_id uuid not null,
  content text not null,
  client_id text,
  primary key (channel_id, sent_at, id)
);
create unique index messages_id_key on messages (channel_id, id);
-- A retried send with the same client id finds the original.
create unique index messages_client_id_key on messages (channel_id, user_id, client_id)
  where client_id is not null;
create index messages_by_user on messages (user_id);
