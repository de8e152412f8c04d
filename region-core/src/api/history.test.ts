import { RegionHistoryPage } from "@edge-chat/protocol";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { member, messageEvent } from "../../test/fixtures.ts";
import { errorResponse } from "../http/errors.ts";
import { memoryRepositories } from "../repositories/memory.ts";
import { expectedSeqs, historyRoutes } from "./history.ts";

describe("expectedSeqs", () => {
  it("is the page's seqs when none is missing, null for the latest page or an empty range", () => {
    expect(expectedSeqs({ before: 101, limit: 50 })).toEqual({ min: 51, max: 100 });
    expect(expectedSeqs({ before: 20, limit: 50 })).toEqual({ min: 1, max: 19 });
    expect(expectedSeqs({ after: 0, limit: 50 })).toEqual({ min: 1, max: 50 });
    expect(expectedSeqs({ after: 10, before: 20, limit: 50 })).toEqual({ min: 11, max: 19 });
    expect(expectedSeqs({ after: 10, before: 11, limit: 50 })).toBeNull();
    expect(expectedSeqs({ before: 1, limit: 50 })).toBeNull();
    expect(expectedSeqs({ limit: 50 })).toBeNull();
  });
});

describe("GET /v1/history pages with change states", () => {
  it("folds every message's state in, also for seqs outside the expected range (a gap)", async () => {
    const repositories = memoryRepositories();
    const conv = "g:history-gap";
    await repositories.members.put(conv, member("alice"), 0);
    // Seqs 1-10 and 20-25: a page of 10 before 26 holds 7-10 and 20-25, and 7-10 lie outside
    // the range a gapless conversation would give (16-25).
    const seqs = [...Array.from({ length: 10 }, (_, i) => i + 1), 20, 21, 22, 23, 24, 25];
    for (const seq of seqs) {
      const event = messageEvent(conv, seq);
      if (event.type === "message") await repositories.messages.insert(event.message);
    }
    for (const target of [8, 22]) {
      await repositories.messageChanges.edit(conv, target, {
        text: `edited ${target}`,
        editSeq: 30 + target,
        editedAt: 1_700_000_000_500,
      });
    }
    const app = new Hono().route("/", historyRoutes({ repositories }));
    app.onError((error, c) => errorResponse(c, error));
    for (const query of ["before=26&limit=10", "after=6&limit=10", "after=6&before=23&limit=10"]) {
      const response = await app.request(`/${conv}?userId=alice&${query}`);
      expect(response.status).toBe(200);
      const page = RegionHistoryPage.parse(await response.json());
      const text = (seq: number) => {
        const content = page.messages.find((m) => m.seq === seq)?.content;
        return content?.kind === "text" ? content.text : undefined;
      };
      expect(text(8), query).toBe("edited 8");
      expect(text(22), query).toBe("edited 22");
      expect(text(9), query).toBe("message 9");
    }
    expect((await app.request(`/${conv}?userId=eve&before=26`)).status).toBe(404);
  });
});
