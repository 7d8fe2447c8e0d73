-- Unread state follows the order of the history (a message id's time, as
-- `GET …/messages` sorts), not the order rows were inserted: under concurrent
-- sends the two differ, and a client marks the newest message it shows. `seq`
-- is the 60-bit timestamp of the message's time-based UUID (100 ns ticks);
-- ties (two instances, one tick) are broken by the message id. `position`
-- stays as the row's key only.
create function timeuuid_ticks(id uuid) returns bigint language sql immutable as $$
  select ('x' || lpad(substr(id::text, 16, 3) || substr(id::text, 10, 4) || substr(id::text, 1, 8), 16, '0'))::bit(64)::bigint
$$;

alter table channel_message_index add column seq bigint;
update channel_message_index set seq = timeuuid_ticks(message_id);
alter table channel_message_index alter column seq set not null;
drop index channel_message_index_by_channel;
create index channel_message_index_by_channel on channel_message_index (channel_id, seq, message_id);

alter table read_markers add column seq bigint;
update read_markers set seq = timeuuid_ticks(message_id);
alter table read_markers alter column seq set not null;
