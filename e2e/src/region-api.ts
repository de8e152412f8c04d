// What a test reads from a region, the way the edge would: the history API and the conversation
// list, with a service token. Replies are validated with the protocol's schemas.
import {
  type Message,
  RegionConversationList,
  type RegionConversationSummary,
  RegionHistoryPage,
} from "@edge-chat/protocol";
import type { ServiceKeys } from "./keys.ts";

export class RegionApi {
  readonly baseUrl: string;
  readonly keys: ServiceKeys;

  constructor(baseUrl: string, keys: ServiceKeys) {
    this.baseUrl = baseUrl;
    this.keys = keys;
  }

  async #get(path: string): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${await this.keys.token()}` },
    });
  }

  /** Every stored message of a conversation (as `userId` may see it), oldest first, paging forward. */
  async allMessages(conversationId: string, userId: string): Promise<Message[]> {
    const messages: Message[] = [];
    let after = 0;
    for (;;) {
      const query = new URLSearchParams({ userId, after: String(after), limit: "200" });
      const response = await this.#get(
        `/v1/history/${encodeURIComponent(conversationId)}?${query}`,
      );
      if (response.status === 404) return messages; // membership not persisted yet
      if (!response.ok) throw new Error(`history answered ${response.status}`);
      const page = RegionHistoryPage.parse(await response.json());
      messages.push(...page.messages);
      const newest = page.messages.at(-1)?.seq;
      if (!page.hasMore || newest === undefined || newest <= after) return messages;
      after = newest;
    }
  }

  /** The status of a history request (404 for non-members and unknown conversations alike). */
  async historyStatus(conversationId: string, userId: string): Promise<number> {
    const query = new URLSearchParams({ userId, limit: "1" });
    const response = await this.#get(`/v1/history/${encodeURIComponent(conversationId)}?${query}`);
    await response.body?.cancel();
    return response.status;
  }

  async conversations(userId: string): Promise<RegionConversationSummary[]> {
    const response = await this.#get(`/v1/users/${encodeURIComponent(userId)}/conversations`);
    if (!response.ok) throw new Error(`conversation list answered ${response.status}`);
    return RegionConversationList.parse(await response.json()).conversations;
  }
}
