// A user's presence as another user may see it: online, or offline with when they were last seen
// (left out when hidden by their privacy setting or by a block, so neither side can tell which).
import { z } from "zod";
import { Timestamp, UserId } from "./ids.ts";

/** GET /v1/users/:userId/presence (only for a user the caller shares a direct conversation with). */
export const Presence = z.object({
  userId: UserId,
  online: z.boolean(),
  /** When the user's last device disconnected; absent while online or if never seen. */
  lastSeenAt: Timestamp.optional(),
});
export type Presence = z.infer<typeof Presence>;
