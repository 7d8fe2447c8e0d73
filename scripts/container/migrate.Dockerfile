# syntax=docker/dockerfile:1
# One-shot job that applies migrations/ before the services start (compose.yaml).
FROM denoland/deno:2.8.3
WORKDIR /src
COPY deno.json deno.lock ./
COPY shared/ shared/
COPY proto/ proto/
COPY migrations/ migrations/
COPY scripts/migrate.ts scripts/migrate.ts
COPY services/user-service/deno.json services/user-service/deno.json
COPY services/chat-service/deno.json services/chat-service/deno.json
COPY services/presence-service/deno.json services/presence-service/deno.json
COPY embedded/deno.json embedded/deno.json
COPY web/deno.json web/deno.json
COPY client/deno.json client/deno.json
RUN deno cache scripts/migrate.ts
USER deno
CMD ["deno", "task", "migrate"]
