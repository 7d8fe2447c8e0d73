/**
 * The request a piece of work belongs to, carried through every `await` (AsyncLocalStorage):
 * the logger writes its id on each line, and the chat outbox puts it in the Kafka record's
 * headers, without every function in between taking it as a parameter.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const current = new AsyncLocalStorage<string>();

/** Runs `work` as part of request `requestId`. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return current.run(requestId, work);
}

/** The id of the request the caller is working for, if any. */
export function currentRequestId(): string | undefined {
  return current.getStore();
}

/** Ids the gateway makes are UUIDs; a trusted proxy's may be any short token of these characters. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function isRequestId(value: string | null | undefined): value is string {
  return value !== null && value !== undefined && REQUEST_ID.test(value);
}

export const REQUEST_ID_HEADER = "x-request-id";
