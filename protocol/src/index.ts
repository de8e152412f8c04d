// @edge-chat/protocol: the one definition of everything that crosses a wire.
export * from "./changes.ts";
export * from "./codec.ts";
export * from "./conversation.ts";
export * from "./fold.ts";
export * from "./errors.ts";
export * from "./frames.ts";
export * from "./http.ts";
export * from "./inbox.ts";
export * from "./ids.ts";
export * from "./json-text.ts";
export * from "./limits.ts";
export * from "./media.ts";
export * from "./message.ts";
export * from "./region.ts";
export * from "./version.ts";
export * from "./retry.ts";
