-- Login sessions (DESIGN §9). A session lives until logout, refresh-token
-- reuse, a password change (other sessions) or account deletion. Refresh
-- tokens are stored as SHA-256 hashes only, every one ever issued, so that a
-- rotated-out token presented again is recognised as reuse.
create table sessions (
  id uuid primary key,
  user_id uuid not null references users (id) on delete cascade,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  ended_at timestamptz
);
create index sessions_user_id on sessions (user_id);

create table refresh_tokens (
  token_hash text primary key,
  session_id uuid not null references sessions (id) on delete cascade,
  issued_at timestamptz not null,
  used_at timestamptz
);
create index refresh_tokens_session_id on refresh_tokens (session_id);
