// POST {ingestUrl}/v1/ingest: the one HTTP call from the edge to a region's ingester.
import { ChatError, type IngestBatch, IngestResult } from "@edge-chat/protocol";

export async function postBatch(
  ingestUrl: string,
  batch: IngestBatch,
  token: string,
  fetcher: typeof fetch = fetch,
): Promise<IngestResult> {
  let response: Response;
  try {
    response = await fetcher(`${ingestUrl.replace(/\/$/, "")}/v1/ingest`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(batch),
    });
  } catch (error) {
    throw new ChatError("unavailable", "ingester unreachable", { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ChatError("unavailable", `ingester answered ${response.status}`);
  }
  const result = IngestResult.safeParse(await response.json().catch(() => null));
  if (!result.success || result.data.batchId !== batch.batchId) {
    throw new ChatError("unavailable", "ingester answered an unexpected body");
  }
  return result.data;
}
