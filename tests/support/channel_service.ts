/** chat-service's channel commands for tests about what they store and allow. */
import type { ChannelId } from "../../services/chat-service/src/domain/ids.ts";
import {
  ChannelService,
  type ChannelServiceDeps,
} from "../../services/chat-service/src/domain/channel/service.ts";

/** A ChannelService whose events go nowhere and whose ids are random. */
export function channelServiceWithoutEvents(
  deps: Pick<ChannelServiceDeps, "channels" | "users" | "clock">,
): ChannelService {
  return new ChannelService({
    ...deps,
    events: {
      publishChannelCreated: () => Promise.resolve(),
      publishMembership: () => Promise.resolve(),
    },
    ids: {
      newChannelId: () => crypto.randomUUID() as ChannelId,
      newEventId: () => crypto.randomUUID(),
    },
  });
}
