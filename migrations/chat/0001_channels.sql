-- Channels and memberships of DESIGN §3/§6.
create table channels (
  id uuid primary key,
  type text not null check (type in ('public', 'private', 'direct')),
  name text,
  description text,
  created_by uuid not null,
  created_at timestamptz not null,
  -- A direct channel's unordered pair, stored ordered so it is unique.
  direct_low uuid,
  direct_high uuid,
  check ((type = 'direct') = (name is null)),
  check ((type = 'direct') = (direct_low is not null and direct_high is not null)),
  check (direct_low is null or direct_low < direct_high)
);
-- Names are unique across public and private channels, ignoring case.
create unique index channels_name_key on channels (lower(name)) where name is not null;
create unique index channels_direct_pair_key on channels (direct_low, direct_high) where type = 'direct';
create index channels_public_by_name on channels (lower(name)) where type = 'public';

create table channel_members (
  channel_id uuid not null references channels (id) on delete cascade,
  user_id uuid not null,
  joined_at timestamptz not null default now(),
  primary key (channel_id, user_id)
);
create index channel_members_by_user on channel_members (user_id);
