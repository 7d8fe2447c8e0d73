/** What message commands refuse, each with a user-facing message. */
import { type Refusal, refusal } from "@chat-ts/shared/refusal";
import type { ChannelError } from "../channel/errors.ts";

export type MessageError =
  | ChannelError
  | Refusal<"message_not_found">
  | Refusal<"not_author">;

export const messageNotFound: MessageError = refusal("message_not_found", "Message not found");
export const notAuthor: MessageError = refusal(
  "not_author",
  "Only the author can delete a message",
);

export const notEditor: MessageError = refusal("not_author", "Only the author can edit a message");
