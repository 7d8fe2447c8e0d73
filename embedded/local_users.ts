/**
 * chat-service's "ask user-service" port answered in process: the embedded
 * mode's stand-in for the gRPC GetUser call, with the same answers.
 */
import type { RemoteUsers, UserId } from "@chat-ts/chat-service/embedded";
import type { UserService } from "../services/user-service/src/domain/user/service.ts";

export class LocalUsers implements RemoteUsers {
  constructor(private readonly users: UserService) {}

  async fetch(userId: UserId): ReturnType<RemoteUsers["fetch"]> {
    const found = await this.users.getUser(userId);
    return found.ok ? { status: "found", username: found.value.username } : { status: "not_found" };
  }
}
