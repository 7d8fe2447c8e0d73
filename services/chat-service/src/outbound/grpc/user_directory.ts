/**
 * Usernames from user-service's gRPC `GetUser`, with a per-call deadline.
 * A transport failure is `unavailable` (degraded mode), never an exception.
 */
import { callGetUser, createUserServiceClient } from "@chat-ts/shared/grpc/user-service";
import type { Logger } from "@chat-ts/shared/logger";
import type { Client } from "@grpc/grpc-js";
import type { UserId } from "../../domain/ids.ts";
import type { UserDirectory, UserLookup } from "../../domain/user/ports.ts";

export class GrpcUserDirectory implements UserDirectory {
  readonly #client: Client;
  /** Calls made, for tests and readiness reports. */
  calls = 0;

  constructor(
    address: string,
    private readonly deadlineMs: number,
    private readonly logger: Logger,
  ) {
    this.#client = createUserServiceClient(address);
  }

  /** One GetUser call; rejects with the gRPC error when user-service cannot answer. */
  async fetch(userId: UserId): Promise<Exclude<UserLookup, { status: "unavailable" }>> {
    this.calls++;
    const response = await callGetUser(this.#client, { user_id: userId }, this.deadlineMs);
    return response.result === "user"
      ? { status: "found", username: response.user.username }
      : { status: "not_found" };
  }

  async lookup(userId: UserId): Promise<UserLookup> {
    try {
      return await this.fetch(userId);
    } catch (error) {
      this.logger.warn("user-service GetUser failed", {
        error: error instanceof Error ? error.message : String(error),
      });
      return { status: "unavailable" };
    }
  }

  close(): void {
    this.#client.close();
  }
}
