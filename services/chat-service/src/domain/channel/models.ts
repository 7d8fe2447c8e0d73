/** Channels: public, private and direct, and who may see them. */
import { err, ok, type Result } from "@chat-ts/shared/result";
import type { ChannelId, UserId } from "../ids.ts";
import { invalid, matching, storable, type ValidationError } from "../validation.ts";

export type ChannelName = string & { readonly __brand: "ChannelName" };

export const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9-]{3,50}$/;
export const CHANNEL_NAME_RULE = "must be 3–50 characters: letters, digits or hyphens";
export const DESCRIPTION_MAX_LENGTH = 500;

export const ChannelName = {
  parse: matching<ChannelName>(CHANNEL_NAME_PATTERN, "name", CHANNEL_NAME_RULE),
};

/** Trimmed; a blank description is none. */
export type ChannelDescription = string & { readonly __brand: "ChannelDescription" };

export const ChannelDescription = {
  parse(raw: string): Result<ChannelDescription | null, ValidationError> {
    const unstorable = storable("description", raw);
    if (unstorable !== undefined) return err(unstorable);
    const description = raw.trim();
    if (description === "") return ok(null);
    // Characters (code points), as the OpenAPI document's maxLength counts them.
    return [...description].length <= DESCRIPTION_MAX_LENGTH
      ? ok(description as ChannelDescription)
      : err(invalid("description", `must be at most ${DESCRIPTION_MAX_LENGTH} characters`));
  },
};

interface ChannelBase {
  readonly id: ChannelId;
  readonly createdBy: UserId;
  readonly createdAt: Date;
}

export interface PublicChannel extends ChannelBase {
  readonly type: "public";
  readonly name: ChannelName;
  readonly description: ChannelDescription | null;
}

export interface PrivateChannel extends ChannelBase {
  readonly type: "private";
  readonly name: ChannelName;
  readonly description: ChannelDescription | null;
  readonly members: readonly UserId[];
}

export interface DirectChannel extends ChannelBase {
  readonly type: "direct";
  /** Exactly two distinct users. */
  readonly members: readonly [UserId, UserId];
}

export type Channel = PublicChannel | PrivateChannel | DirectChannel;
export type ChannelType = Channel["type"];

/** DESIGN §3: public channels are open to every user; private and direct ones to members only. */
export function canAccess(channel: Channel, userId: UserId): boolean {
  switch (channel.type) {
    case "public":
      return true;
    case "private":
    case "direct":
      return channel.members.includes(userId);
    default: {
      const unknown: never = channel;
      return unknown;
    }
  }
}

/** The unordered pair of a direct channel, as a stable key. */
export function directPair(a: UserId, b: UserId): readonly [UserId, UserId] {
  return a < b ? [a, b] : [b, a];
}
