-- People search (GET /api/users?query=): a case-insensitive username prefix is
-- a range on lower(username) in byte order (`~>=~`/`~<~`, the operators of
-- text_pattern_ops), which this index serves whatever the database collation.
create index users_username_prefix on users (lower(username) text_pattern_ops);
