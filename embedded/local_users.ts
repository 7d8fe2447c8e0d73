/**
 * chat-service's "ask user-service" port answered in process: the embedded
 * mode's stand-in for the gRPC GetUser call, with the same answers.
 */
import type { RemoteUsers, UserId } from "@chat-ts/chat-service/embedded";

export class LocalUsers implements RemoteUsers {
  constructor(
    private readonly getUser: (userId: string) => Promise<{ username: string } | undefined>,
  ) {}

  async fetch(userId: UserId): ReturnType<RemoteUsers["fetch"]> {
    const found = await this.getUser(userId);
    return found === undefined
      ? { status: "not_found" }
      : { status: "found", username: found.username };
  }
}
