-- Record headers an event carries to every instance beside its payload (docs/events.md): read
-- before the value is decoded, so an instance decides from them and the key whether anyone here
-- wants the event. A JSON object of strings; '{}' for none.
alter table chat_outbox add column headers text not null default '{}';
