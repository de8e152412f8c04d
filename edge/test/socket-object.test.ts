// SocketObject's shared socket rules, seen through both Durable Objects built on it (ConversationDO
// and InboxDO): a refusal is an error frame plus its close code, and a close without a code is
// answered with a normal close.
import { describe, expect, it } from "vitest";
import { connect, createGroup, users } from "./support/client.ts";
import { connectInbox } from "./support/inbox-client.ts";

describe("socket objects", () => {
  it("refuse an unsupported version with an error frame, then its close code, on both", async () => {
    const [a, b] = users(2, "so");
    const group = await createGroup(a!, [b!]);
    const conversation = await connect(a!, group, { v: 0, waitWelcome: false });
    expect(await conversation.next("error")).toMatchObject({ code: "unsupported_version" });
    await conversation.until(() => conversation.closed !== null, "close");
    const inbox = await connectInbox(a!, { v: 0, waitWelcome: false });
    expect(await inbox.next("error")).toMatchObject({ code: "unsupported_version" });
    await inbox.untilClosed();
    expect([conversation.closed?.code, inbox.closed?.code]).toEqual([4426, 4426]);
  });

  it("answer a close that carries no code (1005) with 1000, on both", async () => {
    const [a, b] = users(2, "so");
    const group = await createGroup(a!, [b!]);
    const conversation = await connect(a!, group);
    const inbox = await connectInbox(a!);
    conversation.ws.close();
    inbox.ws.close();
    await conversation.until(() => conversation.closed !== null, "close");
    await inbox.untilClosed();
    expect([conversation.closed?.code, inbox.closed?.code]).toEqual([1000, 1000]);
  });
});
