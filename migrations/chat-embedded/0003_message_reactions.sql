-- Reactions (issue 16): one row per (message, emoji, user), never a counter,
-- so reacting twice is a no-op and concurrent reactions are counted exactly.
create table message_reactions (
  channel_id uuid not null,
  message_id uuid not null,
  emoji text not null,
  user_id uuid not null,
  primary key (channel_id, message_id, emoji, user_id)
);
create index message_reactions_by_user on message_reactions (user_id);
