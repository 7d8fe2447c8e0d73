-- Mentions resolve `@name` to a user at send (`UserReplica.idsOf`): by lower-case name, live
-- users only, without a scan of the whole replica.
create index user_replica_by_name on user_replica (lower(username)) where deleted_at is null;
