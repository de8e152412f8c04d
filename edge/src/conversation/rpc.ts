// The ConversationDO as callers see it. env.ts types the CONVERSATIONS binding with this interface
// rather than with the class, so the bindings do not import the Durable Object (and, through it,
// half the edge). Requests reach it through `fetch` (its internal routes and the WebSocket upgrade).
export interface ConversationRpc extends Rpc.DurableObjectBranded {}
