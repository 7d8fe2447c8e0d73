/** What chat-service smart constructors refuse and check with: shared with user-service. */
export { invalid, matching, storable, type ValidationError } from "@chat-ts/shared/validation";
