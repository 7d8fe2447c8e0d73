/** What message commands refuse, each with a user-facing message. */
import { refusal } from "@chat-ts/shared/refusal";
import type { ChannelError } from "../channel/errors.ts";

export const messageNotFound = refusal("message_not_found", "Message not found");
export const notAuthor = refusal("not_author", "Only the author can delete a message");
export const notEditor = refusal("not_author", "Only the author can edit a message");

/** A refusal's kind is written once, in its value above; the union follows from them. */
export type MessageError = ChannelError | typeof messageNotFound | typeof notAuthor;
