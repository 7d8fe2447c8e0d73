-- Mentions (issue 16): the users a message names who may read the channel,
-- resolved when it was sent, in order of first mention; null for none.
alter table messages add column mentions uuid[];
