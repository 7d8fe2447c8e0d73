-- Unread state on the server (docs/http.md, Unread state). Each stored message
-- gets a row here on send (position: its order within the channel, a global
-- sequence), removed when the message is deleted; a read marker is the
-- position of the newest message a user has read in a channel. Unread counts
-- are bounded index range reads: at most 100 rows after the marker.
create table channel_message_index (
  position bigserial primary key,
  channel_id uuid not null,
  message_id uuid not null unique,
  user_id uuid not null,
  preview text not null,
  sent_at timestamptz not null
);
create index channel_message_index_by_channel on channel_message_index (channel_id, position);

create table read_markers (
  user_id uuid not null,
  channel_id uuid not null,
  message_id uuid not null,
  position bigint not null,
  updated_at timestamptz not null,
  primary key (user_id, channel_id)
);
