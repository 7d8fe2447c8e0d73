/** The validation refusal and checks of every chat-service smart constructor (shared with user-service). */
export { invalid, storable, type ValidationError } from "@chat-ts/shared/validation";
