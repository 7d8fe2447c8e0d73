-- Outbox of chat events (docs/faults.md): a send writes its message to history,
-- then its `message_sent` here before it is answered 201; the relay publishes
-- rows to `chat.messages.*` in position order per channel, at least once, and
-- deletes published rows after a while. Also `message_deleted` and
-- `channel_created`.
create table chat_outbox (
  position bigserial primary key,
  event_id uuid not null unique,
  channel_id uuid not null,
  payload text not null,
  created_at timestamptz not null default now(),
  published_at timestamptz
);
create index chat_outbox_unpublished on chat_outbox (position) where published_at is null;
create index chat_outbox_unpublished_by_channel on chat_outbox (channel_id, position)
  where published_at is null;
create index chat_outbox_published_at on chat_outbox (published_at) where published_at is not null;
