-- The request that wrote an outbox row (the gateway's `x-request-id`, docs/gateway.md), carried
-- to Kafka as the record's `x-request-id` header so one message can be followed from its send
-- to every instance that delivered it. Null for rows written outside a request.
alter table chat_outbox add column request_id text;
