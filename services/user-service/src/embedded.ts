/**
 * What the embedded mode needs of user-service beyond its assembly: the
 * outbox relay's in-process sink, and GetUser answered by a direct call (the
 * stand-in for the gRPC server, parsing its input the same way).
 */
import type { UserService } from "./domain/user/service.ts";
import { UserId } from "./domain/user/models.ts";

export { InProcessUserEventPublisher } from "./outbound/memory/user_event_publisher.ts";

/** A user's current username, or undefined when there is no such user. */
export function localGetUser(users: UserService) {
  return async (rawUserId: string): Promise<{ username: string } | undefined> => {
    const id = UserId.parse(rawUserId);
    if (!id.ok) return undefined;
    const found = await users.getUser(id.value);
    return found.ok ? { username: found.value.username } : undefined;
  };
}
