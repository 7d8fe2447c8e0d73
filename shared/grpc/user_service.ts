/**
 * The `user.UserService` contract of proto/user.proto, loaded once for the
 * server (user-service) and its clients (chat-service), with zod schemas for
 * the messages that cross the wire.
 */
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { z } from "zod";

const PROTO_PATH = new URL("../../proto/user.proto", import.meta.url).pathname;

const definition = protoLoader.loadSync(PROTO_PATH, {
  keepCase: true,
  longs: String,
  defaults: true,
  oneofs: true,
});
const loaded = grpc.loadPackageDefinition(definition);

function userServiceConstructor(): grpc.ServiceClientConstructor {
  const pkg = loaded.user;
  if (typeof pkg !== "object" || pkg === null || !("UserService" in pkg)) {
    throw new Error(`${PROTO_PATH} has no user.UserService`);
  }
  const ctor = pkg.UserService;
  if (typeof ctor !== "function" || !("service" in ctor)) {
    throw new Error(`${PROTO_PATH}: user.UserService is not a service`);
  }
  return ctor;
}

const UserServiceClient = userServiceConstructor();

export const userServiceDefinition: grpc.ServiceDefinition = UserServiceClient.service;

export const GetUserRequest = z.object({ user_id: z.string() });
export type GetUserRequest = z.infer<typeof GetUserRequest>;

export const GrpcUser = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string(),
  created_at: z.string(),
});
export type GrpcUser = z.infer<typeof GrpcUser>;

/** With `oneofs: true`, `result` names the field that is set. */
export const GetUserResponse = z.union([
  z.object({ result: z.literal("user"), user: GrpcUser }),
  z.object({ result: z.literal("error"), error: z.string() }),
]);
export type GetUserResponse = z.infer<typeof GetUserResponse>;

/** A client for `address` (`host:port`), plaintext (service-to-service inside the deployment). */
export function createUserServiceClient(address: string): grpc.Client {
  // grpc-js waits 1 s, then 1.6× longer after each failed connect, up to 120 s: after an outage,
  // lookups kept failing fast for that long once user-service was back. Capped at 2 s, the
  // channel is ready again within about 2 s (the lookup chain's breaker bounds calls meanwhile).
  return new UserServiceClient(address, grpc.credentials.createInsecure(), {
    "grpc.initial_reconnect_backoff_ms": 200,
    "grpc.max_reconnect_backoff_ms": 2000,
  });
}

/** Calls GetUser with a deadline; resolves the parsed response or rejects with a grpc.ServiceError. */
export function callGetUser(
  client: grpc.Client,
  request: GetUserRequest,
  deadlineMs: number,
): Promise<GetUserResponse> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      "/user.UserService/GetUser",
      (value: GetUserRequest) => Buffer.from(encodeRequest(value)),
      (bytes: Buffer) => decodeResponse(bytes),
      request,
      { deadline: Date.now() + deadlineMs },
      (error: grpc.ServiceError | null, response?: GetUserResponse) => {
        if (error !== null) reject(error);
        else if (response === undefined) reject(new Error("GetUser returned nothing"));
        else resolve(response);
      },
    );
  });
}

const method = userServiceDefinition.GetUser;

function encodeRequest(value: GetUserRequest): Uint8Array {
  return method.requestSerialize(value);
}

function decodeResponse(bytes: Buffer): GetUserResponse {
  const parsed = GetUserResponse.safeParse(method.responseDeserialize(bytes));
  if (!parsed.success) throw new Error(`malformed GetUser response: ${parsed.error.message}`);
  return parsed.data;
}
