-- Runs once when the compose Postgres volume is created: the databases of DESIGN §6 and presence-service's.
CREATE DATABASE users OWNER chat;
CREATE DATABASE chat OWNER chat;
CREATE DATABASE presence OWNER chat;
