-- DESIGN §3: email is unique case-insensitively. Emails are already stored
-- lower-case (check constraint), but the database enforces the rule itself on
-- lower(email), so no writer can bypass it. Same index name: the repository
-- maps a violation of `users_email_key` to `email_taken`.
drop index users_email_key;
create unique index users_email_key on users (lower(email));
