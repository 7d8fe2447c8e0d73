/**
 * The Redis part of scripts/infra on its own: another port and state folder, so it runs beside
 * the clone's own infrastructure. Starts, is idempotent, reports status, stops by pid.
 */
import assert from "node:assert/strict";
import { closeRedis, connectRedis, redisIsReady } from "@chat-ts/shared/redis";
import { silentLogger } from "@chat-ts/shared/logger";

const infra = new URL("../../scripts/infra/", import.meta.url).pathname;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

async function redisPart(stateDir: string, port: number, steps: string) {
  const out = await new Deno.Command("bash", {
    args: ["-c", `source "${infra}lib.sh"; source "${infra}redis.sh"; ${steps}`],
    env: { CHAT_TS_STATE_DIR: stateDir, REDIS_PORT: String(port) },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("infra: redis starts on its port with data and log under the state folder, stops by pid", async () => {
  const stateDir = await Deno.makeTempDir({ prefix: "chat-ts-redis-" });
  const port = freePort();
  try {
    const up = await redisPart(
      stateDir,
      port,
      "redis_start; redis_wait 20; redis_start; redis_status",
    );
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, new RegExp(`redis +running +127\\.0\\.0\\.1:${port} +pid \\d+`));
    assert.ok((await Deno.stat(`${stateDir}/redis/redis.log`)).isFile);
    const redis = await connectRedis({ url: `redis://127.0.0.1:${port}`, logger: silentLogger });
    assert.equal(await redisIsReady(redis), true);
    await closeRedis(redis);

    const down = await redisPart(stateDir, port, "redis_stop; redis_status");
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /redis +stopped/);
  } finally {
    await redisPart(stateDir, port, "redis_stop");
    await Deno.remove(stateDir, { recursive: true });
  }
});
