import assert from "node:assert/strict";
import { ProduceQueue } from "./produce_queue.ts";

/** A produce call that records its batches and finishes when the test says so. */
function controlledProduce() {
  const batches: string[][] = [];
  const pending: { resolve(): void; reject(e: unknown): void }[] = [];
  const produce = (items: readonly string[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push([...items]);
      pending.push({ resolve, reject });
    });
  return { batches, pending, produce };
}

Deno.test("produce queue: an idle publisher sends the first record at once, alone", async () => {
  const { batches, pending, produce } = controlledProduce();
  const queue = new ProduceQueue(produce, { maxItems: 10 });
  const done = queue.submit("a");
  assert.deepEqual(batches, [["a"]]);
  pending[0].resolve();
  await done;
});

Deno.test("produce queue: records published during a request go together, in order, in the next", async () => {
  const { batches, pending, produce } = controlledProduce();
  const queue = new ProduceQueue(produce, { maxItems: 10 });
  const all = ["a", "b", "c", "d"].map((item) => queue.submit(item));
  assert.deepEqual(batches, [["a"]]);
  pending[0].resolve();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(batches, [["a"], ["b", "c", "d"]]);
  pending[1].resolve();
  await Promise.all(all);
});

Deno.test("produce queue: a failed request rejects exactly its own records; later ones still go", async () => {
  const { batches, pending, produce } = controlledProduce();
  const queue = new ProduceQueue(produce, { maxItems: 10 });
  const first = queue.submit("a");
  const second = queue.submit("b");
  pending[0].reject(new Error("broker away"));
  await assert.rejects(first, /broker away/);
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(batches, [["a"], ["b"]]);
  pending[1].resolve();
  await second;
});

Deno.test("produce queue: a request stops at maxItems and at maxSize; an oversized record goes alone", async () => {
  const { batches, pending, produce } = controlledProduce();
  const queue = new ProduceQueue(produce, {
    maxItems: 3,
    maxSize: 10,
    sizeOf: (item: string) => item.length,
  });
  const items = ["x", "a", "b", "c", "d", "eeeeeeeeeeee", "ffff", "ggggg", "h"];
  const all = items.map((item) => queue.submit(item));
  for (let i = 0; pending.length > i; i++) {
    pending[i].resolve();
    await new Promise((r) => setTimeout(r, 0));
  }
  await Promise.all(all);
  assert.deepEqual(batches, [
    ["x"],
    ["a", "b", "c"], // maxItems
    ["d"], // d + the next would pass maxSize
    ["eeeeeeeeeeee"], // over maxSize on its own
    ["ffff", "ggggg", "h"], // exactly maxSize
  ]);
});
