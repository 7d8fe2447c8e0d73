/**
 * The embedded mode SIGKILLed mid-stream and started again on its data
 * folder (docs/faults.md): no answered message and no user is lost, and the
 * subscribers, reconnecting with `after`, see every message once.
 */
import assert from "node:assert/strict";
import { killService } from "../support/process.ts";
import { assertHeld, streamThroughFault } from "../support/fault_stream.ts";
import { api } from "../support/http.ts";
import type { ServiceProcess } from "../support/process.ts";
import { embeddedPlace, startEmbedded } from "../support/embedded.ts";
import { registerUser } from "../support/stack.ts";

// It bundles the web client and opens PGlite first: slow on a busy 2-core machine.
const READY_WITHIN_MS = 120_000;

Deno.test({
  name:
    "faults: the embedded mode SIGKILLed mid-stream and restarted loses no answered message or user",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { dataDir, port, base, remove } = embeddedPlace("faults");
    let server: ServiceProcess | undefined = await startEmbedded(port, dataDir, READY_WITHIN_MS);
    try {
      const early = await registerUser(base, "early");
      const report = await streamThroughFault({
        chatUrls: [base, base],
        register: (prefix) => registerUser(base, prefix),
        fault: {
          inject: async () => {
            if (server !== undefined) await killService(server);
            server = undefined;
          },
          heal: async () => {
            server = await startEmbedded(port, dataDir, READY_WITHIN_MS);
          },
        },
        downMs: 1000,
      });
      assertHeld("embedded mode", report, 5000);
      const login = await api(base, "POST", "/api/users/login", undefined, {
        username: early.username,
        password: "password123",
      });
      assert.equal(login.status, 200, "a user registered before the kill still logs in");
    } finally {
      await server?.stop();
      await remove();
    }
  },
});
