/**
 * A deploy under load (docs/faults.md): a chat-service instance stopped with
 * SIGTERM mid-stream closes its sockets with 1001 after what it had queued;
 * its subscriber reconnects (to the other instance) and resumes with `after`,
 * losing nothing and doubling nothing.
 */
import assert from "node:assert/strict";
import { faultStreamTest } from "../support/fault_stack.ts";
import { assertHeld } from "../support/fault_stream.ts";

faultStreamTest(
  "faults: a chat-service instance stopped with SIGTERM mid-stream closes with 1001; its subscriber resumes with after",
  (stack) => stack.chatDown(1, "SIGTERM"),
  (report) => {
    assertHeld("chat-service instance 1 SIGTERM", report, 5000);
    const codes = report.subscribers[1].closeCodes;
    assert.ok(codes.length > 0 && codes.every((c) => c === 1001), `closed with 1001: ${codes}`);
    assert.equal(report.subscribers[0].reconnects, 0);
  },
);
