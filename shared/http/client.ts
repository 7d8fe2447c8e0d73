/**
 * Who a request comes from. Behind the gateway every request's peer is the gateway, so the
 * client's address is read from `X-Forwarded-For` — but only when the peer is a trusted proxy
 * (addresses or CIDR ranges, parsed by ipaddr.js); from anyone else the header is ignored, since
 * a client could write any address there.
 */
import ipaddr from "ipaddr.js";
import { z } from "zod";

/** The peer's address as Deno.serve reports it (a handler's info, Hono's `c.env`). */
export function peerAddress(info: unknown): string | undefined {
  if (typeof info !== "object" || info === null || !("remoteAddr" in info)) return undefined;
  const addr: unknown = info.remoteAddr;
  if (typeof addr !== "object" || addr === null || !("hostname" in addr)) return undefined;
  return typeof addr.hostname === "string" ? addr.hostname : undefined;
}

/**
 * A config variable listing trusted proxies (comma-separated addresses and CIDR ranges, may be
 * empty), parsed into the check; a bad entry is named by the config loader.
 */
export const trustedProxyList = (fallback: string) =>
  z.string().default(fallback).transform((s) => s.split(",").map((p) => p.trim()).filter(Boolean))
    .refine(
      (entries) =>
        entries.every((e) => e.includes("/") ? ipaddr.isValidCIDR(e) : ipaddr.isValid(e)),
      "must list IP addresses or CIDR ranges, comma-separated",
    ).transform((entries) => trustedProxies(entries));

/** Whether an address is one of `entries` (each an address or a CIDR range). */
export type TrustedProxies = (address: string) => boolean;

/** Throws a RangeError naming the first entry that is neither an address nor a range. */
export function trustedProxies(entries: readonly string[]): TrustedProxies {
  const ranges = entries.map((entry) => {
    try {
      return entry.includes("/") ? ipaddr.parseCIDR(entry) : rangeOf(ipaddr.parse(entry));
    } catch {
      throw new RangeError(`${entry} is neither an IP address nor a CIDR range`);
    }
  });
  if (ranges.length === 0) return () => false;
  return (address) => {
    const parsed = parsedAddress(address);
    if (parsed === undefined) return false;
    return ranges.some(([base, bits]) => parsed.kind() === base.kind() && parsed.match(base, bits));
  };
}

function rangeOf(address: ipaddr.IPv4 | ipaddr.IPv6): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  const plain = unmapped(address);
  return [plain, plain.kind() === "ipv4" ? 32 : 128];
}

/** IPv4 peers of a dual-stack socket come as `::ffff:a.b.c.d`; they compare as IPv4. */
function unmapped(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress()
    ? address.toIPv4Address()
    : address;
}

function parsedAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  return ipaddr.isValid(text) ? unmapped(ipaddr.parse(text)) : undefined;
}

/**
 * The client's address: the peer, or — when the peer is a trusted proxy — the last address in
 * `X-Forwarded-For` that is not itself a trusted proxy (each proxy appends the address it saw).
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | undefined,
  trusted: TrustedProxies,
): string | undefined {
  if (peer === undefined || !trusted(peer) || forwardedFor === undefined) return peer;
  const hops = forwardedFor.split(",").map((h) => h.trim()).filter((h) => ipaddr.isValid(h));
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trusted(hops[i])) return hops[i];
  }
  return hops[0] ?? peer;
}
