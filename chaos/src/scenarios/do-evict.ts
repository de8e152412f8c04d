// Every ConversationDO evicted mid-burst: the edge's test-only route (CHAOS_EVICT_ROUTE=1, set only
// by this suite's system) calls ctx.abort() in each object, as an eviction or an isolate crash
// would: memory and sockets gone, storage (messages, outboxes, router state) kept. The SDK
// reconnects, replays and resends what was not acknowledged. recovery_ms: eviction → every session
// open again.
import { type Scenario, sessionsReopenMs } from "../scenario.ts";

export const doEvict: Scenario = {
  name: "do-evict",
  summary: "abort every ConversationDO mid-burst; recovery_ms = eviction → every session open",
  async inject(ctx) {
    const { system, conversations, log } = ctx;
    const evicted = Date.now();
    const answers = await Promise.all(
      conversations.map(async (c) => {
        const response = await fetch(
          `${system.edge.baseUrl}/__chaos/conversations/${encodeURIComponent(c.id)}/evict`,
          { method: "POST" },
        );
        await response.body?.cancel();
        return response.status;
      }),
    );
    if (answers.some((status) => status !== 204)) {
      throw new Error(`the edge refused an eviction (${answers.join(",")}): CHAOS_EVICT_ROUTE?`);
    }
    log(`do-evict: ${answers.length} conversations evicted`);
    const recoveryMs = await sessionsReopenMs(ctx, evicted);
    return { recoveryMs, detail: { evicted: answers.length } };
  },
};
