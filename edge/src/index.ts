// The edge Worker's entry: the public Hono app, and the Durable Object classes wrangler binds.
import { createApp } from "./http/app.ts";

export { ConversationDO } from "./conversation/conversation-do.ts";
export { InboxDO } from "./inbox/inbox-do.ts";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<import("./env.ts").Env>;
