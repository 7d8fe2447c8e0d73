/** What message commands refuse, each with a user-facing message. */
import type { ChannelError } from "../channel/errors.ts";

export type MessageError =
  | ChannelError
  | { readonly type: "message_not_found"; readonly message: string }
  | { readonly type: "not_author"; readonly message: string };

export const messageNotFound: MessageError = {
  type: "message_not_found",
  message: "Message not found",
};
export const notAuthor: MessageError = {
  type: "not_author",
  message: "Only the author can delete a message",
};

export const notEditor: MessageError = {
  type: "not_author",
  message: "Only the author can edit a message",
};
