-- Runs once when the compose Postgres volume is created: the two databases of DESIGN §6.
CREATE DATABASE users OWNER chat;
CREATE DATABASE chat OWNER chat;
