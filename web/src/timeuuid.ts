/**
 * Message order. Ids are version-1 UUIDs (Cassandra `timeuuid`) whose 60-bit timestamp is
 * split across the id, so comparing id strings does not order by time: the ticks are put
 * back together here (timestamps alone tie within a millisecond).
 */

const TIME_UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-1([0-9a-f]{3})-([0-9a-f]{4})-/i;

/** 100-ns intervals since 1582-10-15, or undefined for an id that is not a timeuuid. */
export function timeuuidTicks(id: string): bigint | undefined {
  const parts = TIME_UUID.exec(id);
  if (parts === null) return undefined;
  return BigInt(`0x${parts[3]}${parts[2]}${parts[1]}`);
}

interface Ordered {
  readonly id: string;
  readonly timestamp: string;
}

/** Oldest first: by the id's time, then the timestamp, then the id. */
export function compareMessages(a: Ordered, b: Ordered): number {
  const ta = timeuuidTicks(a.id);
  const tb = timeuuidTicks(b.id);
  if (ta !== undefined && tb !== undefined && ta !== tb) return ta < tb ? -1 : 1;
  const byTime = Date.parse(a.timestamp) - Date.parse(b.timestamp);
  if (byTime !== 0 && !Number.isNaN(byTime)) return byTime;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
