// Hono's environment type for the public app: bindings plus the verified user id.
import type { UserId } from "@edge-chat/protocol";
import type { Env } from "../env.ts";

export type AppEnv = { Bindings: Env; Variables: { userId: UserId } };
