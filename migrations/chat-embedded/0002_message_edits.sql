-- Edits (issue 16): the content column holds the current text; edited_at is
-- when the author last changed it (null until then). Replay with `after`
-- finds the messages edited since a point in time through the index.
alter table messages add column edited_at timestamptz;
create index messages_edited_at on messages (channel_id, edited_at) where edited_at is not null;
