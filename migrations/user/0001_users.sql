-- Users of DESIGN §3/§6. Usernames keep their case but are unique ignoring it;
-- emails are stored lower-case.
create table users (
  id uuid primary key,
  username text not null,
  email text not null check (email = lower(email)),
  password_hash text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create unique index users_username_key on users (lower(username));
create unique index users_email_key on users (email);

-- Transactional outbox: each user change writes its event here in the same
-- transaction; the relay publishes rows to `user-events` in position order.
create table user_outbox (
  position bigserial primary key,
  event_id uuid not null unique,
  user_id uuid not null,
  payload text not null,
  created_at timestamptz not null default now(),
  published_at timestamptz
);
create index user_outbox_unpublished on user_outbox (position) where published_at is null;
