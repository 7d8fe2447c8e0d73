/** gRPC `user.UserService/GetUser` (DESIGN §3): the user for a known id, `error` otherwise. */
import * as grpc from "@grpc/grpc-js";
import {
  GetUserRequest,
  type GetUserResponse,
  userServiceDefinition,
} from "@chat-ts/shared/grpc/user-service";
import type { Logger } from "@chat-ts/shared/logger";
import { UserId } from "../../domain/user/models.ts";
import type { UserService } from "../../domain/user/service.ts";

export interface UserGrpcServer {
  readonly port: number;
  stop(): Promise<void>;
}

export async function getUserResponse(users: UserService, raw: unknown): Promise<GetUserResponse> {
  const request = GetUserRequest.safeParse(raw);
  if (!request.success) return { result: "error", error: "user_id is required" };
  const id = UserId.parse(request.data.user_id);
  if (!id.ok) return { result: "error", error: id.error.message };
  const found = await users.getUser(id.value);
  if (!found.ok) return { result: "error", error: found.error.message };
  const user = found.value;
  return {
    result: "user",
    user: {
      id: user.id,
      username: user.username,
      email: user.email,
      created_at: user.createdAt.toISOString(),
    },
  };
}

export async function startUserGrpcServer(options: {
  readonly users: UserService;
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
}): Promise<UserGrpcServer> {
  const server = new grpc.Server();
  server.addService(userServiceDefinition, {
    GetUser: (
      call: grpc.ServerUnaryCall<unknown, GetUserResponse>,
      callback: grpc.sendUnaryData<GetUserResponse>,
    ) => {
      getUserResponse(options.users, call.request).then(
        (response) => callback(null, response),
        (error) => {
          options.logger.error("GetUser failed", { error });
          callback({ code: grpc.status.UNAVAILABLE, details: "user lookup failed" });
        },
      );
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${options.host}:${options.port}`,
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => error === null ? resolve(bound) : reject(error),
    )
  );
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 5000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
