/**
 * Redis away does not take chat down (docs/limits.md): user-service and chat-service started
 * with a Redis nobody answers still register, log in, create channels, send and open sockets;
 * the limits hold per instance; `/health/ready` stays 200 and says Redis is unavailable; the
 * outage is logged. (The shared Redis is never stopped: an address nothing listens on stands in.)
 */
import assert from "node:assert/strict";
import { api } from "../support/http.ts";
import { uniqueChannelName } from "../support/names.ts";
import { TestSocket } from "../support/socket.ts";
import { startStack } from "../support/stack.ts";

const NOWHERE = "redis://127.0.0.1:1";

Deno.test({
  name: "faults: with Redis unreachable, chat works and the limits hold per instance",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const stack = await startStack({
      chatInstances: 1,
      chatEnv: { REDIS_URL: NOWHERE, CHANNELS_PER_USER_PER_HOUR: "1", LOG_LEVEL: "info" },
      userEnv: { REDIS_URL: NOWHERE, LOG_LEVEL: "info" },
    });
    try {
      const [chat] = stack.chatUrls;
      const user = await stack.register("noredis");
      const created = await api(chat, "POST", "/api/channels", user.token, {
        channel_type: "public",
        name: uniqueChannelName("noredis"),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const refused = await api(chat, "POST", "/api/channels", user.token, {
        channel_type: "public",
        name: uniqueChannelName("noredis"),
      });
      assert.equal(refused.status, 429, "the instance's own count still limits");
      const sent = await api(
        chat,
        "POST",
        `/api/channels/${created.body.data.id}/messages`,
        user.token,
        { content: "still here" },
      );
      assert.equal(sent.status, 201);
      const socket = await TestSocket.open(chat, user.token);
      await socket.close();
      const wrong = await api(stack.userServiceUrl, "POST", "/api/auth/login", undefined, {
        username: user.username,
        password: "not the password",
      });
      assert.equal(wrong.status, 401, "the login throttle counts in memory meanwhile");

      for (const base of [chat, stack.userServiceUrl]) {
        const ready = await api(base, "GET", "/health/ready", undefined);
        assert.equal(ready.status, 200, `${base}: ${JSON.stringify(ready.body)}`);
        assert.equal(ready.body.data.redis, "unavailable (limits per instance)");
      }
      assert.match(stack.logs(), /redis unavailable|redis not reachable/);
    } finally {
      await stack.stop();
    }
  },
});
