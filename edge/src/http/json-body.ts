// A request's JSON body, or the protocol's invalid_request: one reader for every public route.
import { ChatError } from "@edge-chat/protocol";

export async function jsonBody(req: Request): Promise<unknown> {
  try {
    return await req.json();
  } catch {
    throw new ChatError("invalid_request", "body is not valid JSON");
  }
}
