-- Replies (issue 16): the message of the same channel this one answers.
alter table messages add column reply_to uuid;
