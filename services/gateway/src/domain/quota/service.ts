/**
 * Which limits a request spends from: its route class's policy per client address, and per
 * user once the caller is known. Both are counted (a refused request still counts, so a
 * client that keeps trying does not get a fresh window).
 */
import type { GatewayLimitConfig } from "../../config.ts";
import type { RouteClass } from "../route/models.ts";
import type { QuotaPolicy, QuotaScope, QuotaUse, QuotaVerdict } from "./models.ts";
import type { QuotaCounter } from "./ports.ts";

export class Quotas {
  readonly #policies: ReadonlyMap<string, QuotaPolicy>;

  constructor(private readonly counter: QuotaCounter, config: GatewayLimitConfig) {
    const window = config.GATEWAY_LIMIT_WINDOW_SECONDS;
    const policy = (routeClass: RouteClass, scope: QuotaScope, points: number): QuotaPolicy => ({
      name: `${routeClass}-${scope}`,
      routeClass,
      scope,
      points,
      windowSeconds: window,
    });
    // Login and registration have no user yet: the address is the only key.
    const all = [
      policy("auth", "address", config.GATEWAY_AUTH_PER_ADDRESS),
      policy("send", "address", config.GATEWAY_SEND_PER_ADDRESS),
      policy("send", "user", config.GATEWAY_SEND_PER_USER),
      policy("channel_create", "address", config.GATEWAY_CHANNEL_CREATE_PER_ADDRESS),
      policy("channel_create", "user", config.GATEWAY_CHANNEL_CREATE_PER_USER),
      policy("other", "address", config.GATEWAY_OTHER_PER_ADDRESS),
      policy("other", "user", config.GATEWAY_OTHER_PER_USER),
    ];
    this.#policies = new Map(all.map((p) => [`${p.routeClass}-${p.scope}`, p]));
  }

  async spend(
    routeClass: RouteClass,
    client: { readonly address?: string; readonly userId?: string },
  ): Promise<QuotaVerdict> {
    const keyed: [QuotaPolicy, string][] = [];
    const byAddress = this.#policies.get(`${routeClass}-address`);
    if (byAddress !== undefined && client.address !== undefined) {
      keyed.push([byAddress, client.address]);
    }
    const byUser = this.#policies.get(`${routeClass}-user`);
    if (byUser !== undefined && client.userId !== undefined) keyed.push([byUser, client.userId]);
    const uses = await Promise.all(keyed.map(([p, key]) => this.counter.spend(p, key)));
    const refused = uses.filter((u) => !u.allowed);
    if (refused.length > 0) {
      const tightest = refused.reduce((a, b) => b.resetSeconds > a.resetSeconds ? b : a);
      return { kind: "refused", uses, tightest };
    }
    const tightest = uses.reduce<QuotaUse | undefined>(
      (a, b) => a === undefined || share(b) < share(a) ? b : a,
      undefined,
    );
    return tightest === undefined ? { kind: "allowed", uses } : { kind: "allowed", uses, tightest };
  }
}

/** How much of a policy is left, so policies of different sizes compare. */
const share = (use: QuotaUse) => use.remaining / use.policy.points;
