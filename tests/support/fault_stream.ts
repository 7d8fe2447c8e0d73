/**
 * The fault tests' one scenario (docs/faults.md): two senders post a steady
 * stream to one public channel, one through each chat-service instance;
 * a subscriber on each instance; a fault is injected mid-stream and healed;
 * then every answered send is looked for in history and at every subscriber.
 *
 * A sender behaves like a well-behaved client: sequential sends with a
 * `client_id`; a 503 or a failed connection is retried with the same
 * `client_id` (a failed connection through the other instance, as a load
 * balancer would), so a send is "answered" once it got its 201. A
 * subscriber whose socket closes reconnects to any instance and subscribes
 * with `after` = the newest id it has.
 */
import assert from "node:assert/strict";
import { api } from "./http.ts";
import { uniqueChannelName } from "./names.ts";
import { TestSocket } from "./socket.ts";
import type { RegisteredUser } from "./stack.ts";

export interface Fault {
  /** Breaks the component (e.g. SIGKILL). */
  inject(): Promise<void>;
  /** Brings it back; resolves once it has been started again (not necessarily ready). */
  heal(): Promise<void>;
}

export interface StreamOptions {
  readonly chatUrls: readonly string[];
  readonly register: (prefix: string) => Promise<RegisteredUser>;
  readonly fault: Fault;
  /** Sends per second per sender (two senders). */
  readonly rate?: number;
  readonly beforeMs?: number;
  readonly downMs?: number;
  readonly afterMs?: number;
  /** Longest wait, after the stream, for every subscriber to have every answered send. */
  readonly settleMs?: number;
}

export interface SubscriberReport {
  readonly instance: number;
  /** Answered sends it received (live or by replay). */
  readonly received: number;
  readonly missing: number;
  /** A message twice on one socket's subscription. */
  readonly duplicates: number;
  /** Messages a reconnect's replay sent again (the client already had them). */
  readonly replayedAgain: number;
  /** Messages of one sender out of that sender's order. */
  readonly outOfOrder: number;
  readonly reconnects: number;
  /** Close codes of the sockets the server closed. */
  readonly closeCodes: readonly number[];
}

export interface StreamReport {
  readonly sends: number;
  readonly answered: number;
  readonly stored: number;
  readonly missingFromHistory: number;
  /** What went wrong, for the test's output: missing ids with when they were answered, 500 bodies. */
  readonly notes: readonly string[];
  readonly subscribers: readonly SubscriberReport[];
  /** HTTP statuses and failures of every attempt (retries included), e.g. `{201: 180, 503: 4}`. */
  readonly attempts: Readonly<Record<string, number>>;
  /** Slowest answered send, first attempt to 201 (retries included), in ms. */
  readonly slowestSendMs: number;
  /** Slowest single answer (any status), and the 99th percentile of all answers, in ms. */
  readonly slowestAnswerMs: number;
  readonly p99AnswerMs: number;
  /** From heal to the first 201 of a send started after it. */
  readonly sendRecoveryMs: number | undefined;
  /** From heal (the component started again) to every subscriber having every send answered until then. */
  readonly deliveryRecoveryMs: number;
}

/** How far back a reconnect resumes from the newest message it has (see `#resumeFrom`). */
const REPLAY_OVERLAP_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Subscriber {
  readonly ids: string[] = [];
  readonly #seen = new Set<string>();
  /** Each received message's timestamp, to resume from an older one. */
  readonly #times = new Map<string, number>();
  #oldest: string | undefined;
  duplicates = 0;
  replayedAgain = 0;
  reconnects = 0;
  readonly closeCodes: number[] = [];
  #socket: TestSocket | undefined;
  #stopped = false;
  #loop: Promise<void> | undefined;

  constructor(
    readonly instance: number,
    private readonly urls: readonly string[],
    private readonly token: string,
    private readonly channelId: string,
  ) {}

  has(id: string): boolean {
    return this.#seen.has(id);
  }

  async start(): Promise<void> {
    await this.#connect(this.urls[this.instance], undefined);
    this.#loop = this.#keepConnected();
  }

  async #connect(url: string, after: string | undefined): Promise<void> {
    const socket = await TestSocket.open(url, this.token);
    // The server's promise is per subscription: one socket never sees a message twice. A replay
    // after a reconnect may repeat what the last socket had; the client drops it by id (as the
    // browser client's store does), and it is counted apart.
    const onThisSocket = new Set<string>();
    socket.socket.addEventListener("message", (event) => {
      const frame = JSON.parse(String(event.data));
      if (frame.type !== "new_message") return;
      if (onThisSocket.has(frame.id)) this.duplicates++;
      onThisSocket.add(frame.id);
      if (this.#seen.has(frame.id)) {
        if (after !== undefined) this.replayedAgain++;
        return;
      }
      this.#seen.add(frame.id);
      this.ids.push(frame.id);
      this.#times.set(frame.id, Date.parse(frame.timestamp));
      this.#oldest ??= frame.id;
    });
    socket.closed.then((event) => {
      if (!this.#stopped) this.closeCodes.push(event.code);
    });
    await socket.subscribe(this.channelId, after);
    this.#socket = socket;
  }

  /** Reconnects after a close, to its own instance first, then any other. */
  async #keepConnected(): Promise<void> {
    while (!this.#stopped) {
      await this.#socket?.closed;
      if (this.#stopped) return;
      this.reconnects++;
      for (let attempt = 0; !this.#stopped; attempt++) {
        const url = this.urls[(this.instance + attempt) % this.urls.length];
        try {
          await this.#connect(url, this.#resumeFrom());
          break;
        } catch {
          await sleep(200);
        }
      }
    }
  }

  /**
   * `after` for a reconnect, with an overlap: live order is the order sends were recorded, not
   * their ids' order, so a message with an older id may have been broadcast after the newest one
   * this client has (docs/websocket.md). Resuming from a message REPLAY_OVERLAP_MS older than the
   * newest it has, and dropping what it already has, closes that gap.
   */
  #resumeFrom(): string | undefined {
    const newest = Math.max(...this.#times.values());
    let from: string | undefined;
    let fromTime = Number.NEGATIVE_INFINITY;
    for (const [id, time] of this.#times) {
      if (time <= newest - REPLAY_OVERLAP_MS && time > fromTime) [from, fromTime] = [id, time];
    }
    return from ?? this.#oldest;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#socket?.close().catch(() => {});
    await this.#loop;
  }
}

interface Answered {
  readonly id: string;
  readonly sender: number;
  readonly seq: number;
  /** ms after the stream started. */
  readonly at: number;
  readonly attempt: number;
}

export async function streamThroughFault(options: StreamOptions): Promise<StreamReport> {
  const urls = options.chatUrls;
  const rate = options.rate ?? 10;
  const beforeMs = options.beforeMs ?? 3000;
  const downMs = options.downMs ?? 5000;
  const afterMs = options.afterMs ?? 4000;
  const [alice, bob, reader] = await Promise.all(
    ["fsa", "fsb", "fsr"].map((p) => options.register(p)),
  );
  const senders = [alice, bob];
  const created = await api(urls[0], "POST", "/api/channels", alice.token, {
    channel_type: "public",
    name: uniqueChannelName("fault"),
  });
  if (created.status !== 201) throw new Error(`channel: ${JSON.stringify(created)}`);
  const channelId: string = created.body.data.id;
  const subscribers = urls.map((_, i) => new Subscriber(i, urls, reader.token, channelId));
  await Promise.all(subscribers.map((s) => s.start()));
  // A first message every subscriber has, so a reconnect always has an `after`.
  const seed = await api(urls[0], "POST", `/api/channels/${channelId}/messages`, alice.token, {
    content: "seed",
  });
  const seedId: string = seed.body.data.id;
  const deadline = Date.now() + 20_000;
  while (!subscribers.every((s) => s.has(seedId))) {
    if (Date.now() > deadline) throw new Error("the seed message did not reach every subscriber");
    await sleep(20);
  }

  const attempts: Record<string, number> = {};
  const count = (key: string) => attempts[key] = (attempts[key] ?? 0) + 1;
  const answered: Answered[] = [];
  let sends = 0;
  let slowestSendMs = 0;
  const answerMs: number[] = [];
  const times: { healedAt?: number } = {};
  let sendRecoveredAt: number | undefined;
  let sending = true;

  const sendLoop = async (sender: number) => {
    const period = 1000 / rate;
    let preferred = sender;
    for (let seq = 0; sending; seq++) {
      const started = Date.now();
      sends++;
      const clientId = `s${sender}-${seq}`;
      // Retries until answered; a send started before the end is finished after it too.
      for (let attempt = 0;; attempt++) {
        if (attempt > 0 && !sending && Date.now() - started > 30_000) break;
        const attemptStarted = Date.now();
        try {
          const res = await fetch(`${urls[preferred]}/api/channels/${channelId}/messages`, {
            method: "POST",
            headers: {
              Authorization: `Bearer ${senders[sender].token}`,
              "Content-Type": "application/json",
            },
            body: JSON.stringify({ content: `message ${clientId}`, client_id: clientId }),
            signal: AbortSignal.timeout(10_000),
          });
          const body = await res.json().catch(() => undefined);
          count(String(res.status));
          answerMs.push(Date.now() - attemptStarted);
          if (res.status === 201) {
            answered.push({ id: body.data.id, sender, seq, at: Date.now() - t0, attempt });
            slowestSendMs = Math.max(slowestSendMs, Date.now() - started);
            if (times.healedAt !== undefined && started >= times.healedAt) {
              sendRecoveredAt ??= Date.now();
            }
            break;
          }
          if (res.status !== 503) { // 4xx or 500: counted, not retried
            notes.push(
              `${clientId} answered ${res.status} at +${Date.now() - t0} ms: ${
                JSON.stringify(body)
              }`,
            );
            break;
          }
          await sleep(300);
        } catch {
          count("no answer");
          preferred = (preferred + 1) % urls.length;
          await sleep(200);
        }
      }
      await sleep(Math.max(0, period - (Date.now() - started)));
    }
  };

  const notes: string[] = [];
  const t0 = Date.now();
  const streams = senders.map((_, i) => sendLoop(i));
  await sleep(beforeMs);
  notes.push(`fault injected at +${Date.now() - t0} ms`);
  await options.fault.inject();
  await sleep(downMs);
  await options.fault.heal();
  times.healedAt = Date.now();
  notes.push(`healed at +${Date.now() - t0} ms`);
  // Delivery has recovered once every send answered so far has reached every subscriber.
  const answeredAtHeal = answered.slice();
  const delivered = (list: readonly Answered[]) =>
    subscribers.every((s) => list.every((a) => s.has(a.id)));
  let deliveredAt: number | undefined;
  const watch = (async () => {
    const until = Date.now() + (options.settleMs ?? 30_000) + afterMs;
    while (deliveredAt === undefined && Date.now() < until) {
      if (delivered(answeredAtHeal)) deliveredAt = Date.now();
      else await sleep(20);
    }
  })();
  await sleep(afterMs);
  sending = false;
  await Promise.all(streams);

  const settleDeadline = Date.now() + (options.settleMs ?? 30_000);
  while (!delivered(answered) && Date.now() < settleDeadline) await sleep(50);
  await watch;
  await sleep(500); // late duplicates would show now
  await Promise.all(subscribers.map((s) => s.stop()));

  const history = await readHistory(urls, channelId, reader.token, seedId);
  const answeredIds = new Set(answered.map((a) => a.id));
  const bySender = new Map(answered.map((a) => [a.id, a]));
  return {
    sends,
    answered: answered.length,
    stored: history.filter((id) => answeredIds.has(id)).length,
    missingFromHistory: answered.filter((a) => !history.includes(a.id)).length,
    notes: [
      ...notes,
      ...answered.filter((a) => !history.includes(a.id)).map((a) =>
        `not in history: ${a.id} (s${a.sender}-${a.seq}, answered at +${a.at} ms, attempt ${a.attempt})`
      ),
    ],
    subscribers: subscribers.map((s) => {
      let outOfOrder = 0;
      const last = [-1, -1];
      for (const id of s.ids) {
        const a = bySender.get(id);
        if (a === undefined) continue;
        if (a.seq < last[a.sender]) outOfOrder++;
        last[a.sender] = Math.max(last[a.sender], a.seq);
      }
      return {
        instance: s.instance,
        received: s.ids.filter((id) => answeredIds.has(id)).length,
        missing: answered.filter((a) => !s.has(a.id)).length,
        duplicates: s.duplicates,
        replayedAgain: s.replayedAgain,
        outOfOrder,
        reconnects: s.reconnects,
        closeCodes: s.closeCodes,
      };
    }),
    attempts,
    slowestSendMs,
    slowestAnswerMs: Math.max(0, ...answerMs),
    p99AnswerMs: [...answerMs].sort((a, b) => a - b)[Math.floor(answerMs.length * 0.99)] ?? 0,
    sendRecoveryMs: sendRecoveredAt === undefined || times.healedAt === undefined
      ? undefined
      : sendRecoveredAt - times.healedAt,
    deliveryRecoveryMs: deliveredAt === undefined
      ? Number.POSITIVE_INFINITY
      : deliveredAt - (times.healedAt ?? deliveredAt),
  };
}

/** Every message id after `after`, oldest first, through any instance that answers. */
async function readHistory(
  urls: readonly string[],
  channelId: string,
  token: string,
  after: string,
): Promise<string[]> {
  const ids: string[] = [];
  let cursor = after;
  for (let tries = 0; tries < 200;) {
    const res = await api(
      urls[tries % urls.length],
      "GET",
      `/api/channels/${channelId}/messages?limit=100&after=${cursor}`,
      token,
    ).catch(() => undefined);
    if (res === undefined || res.status !== 200) {
      tries++;
      await sleep(250);
      continue;
    }
    const page: { id: string }[] = [...res.body.data].reverse();
    ids.push(...page.map((m) => m.id));
    if (page.length < 100) return ids;
    cursor = page[page.length - 1].id;
  }
  throw new Error("history could not be read");
}

/** One line of the faults table (docs/faults.md), for the test's output. */
export function describeReport(fault: string, r: StreamReport): string {
  const live = r.subscribers.map((s) =>
    `instance ${s.instance}: ${s.received}/${r.answered} (${s.missing} missing, ${s.duplicates} dup, ${s.replayedAgain} replayed again, ${s.outOfOrder} out of order, ${s.reconnects} reconnects${
      s.closeCodes.length > 0 ? `, closed ${s.closeCodes.join(",")}` : ""
    })`
  ).join("; ");
  return `${fault}: sends ${r.sends}, answered ${r.answered}, stored ${r.stored} ` +
    `(${r.missingFromHistory} missing), subscribers ${live}, attempts ${
      JSON.stringify(r.attempts)
    }, answers p99 ${r.p99AnswerMs} ms max ${r.slowestAnswerMs} ms, slowest send with retries ${r.slowestSendMs} ms, send recovery ${
      r.sendRecoveryMs ?? "-"
    } ms, ` +
    `delivery recovery ${r.deliveryRecoveryMs} ms` +
    (r.notes.length > 2 ? `\n  ${r.notes.join("\n  ")}` : "");
}

/** The assertions every fault shares; `recoveryMs` is the bound the fault is held to. */
export function assertHeld(fault: string, report: StreamReport, recoveryMs: number): void {
  console.log(describeReport(fault, report));
  assert.ok(report.answered > 0, "some sends were answered");
  assert.deepEqual(report.missingFromHistory, 0, "every answered send is in history");
  for (const s of report.subscribers) {
    assert.equal(s.missing, 0, `instance ${s.instance}'s subscriber has every answered send`);
    assert.equal(s.duplicates, 0, `instance ${s.instance}'s subscriber saw no message twice`);
    assert.equal(s.outOfOrder, 0, `instance ${s.instance}'s subscriber saw each sender in order`);
  }
  assert.equal(report.attempts["500"] ?? 0, 0, "no 500");
  assert.ok(
    report.deliveryRecoveryMs <= recoveryMs,
    `subscribers complete ${report.deliveryRecoveryMs} ms after the heal (bound ${recoveryMs} ms)`,
  );
}
