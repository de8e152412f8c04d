// Send → ack at the edge, measured where the time actually goes. workerd does not advance its clock
// during synchronous work, so a timer around the ConversationDO's synchronous send (validate, one
// SQLite transaction, the ack frame) always reads 0. The clock does advance at I/O: the frame's
// arrival time is the clock when its event began, the global rate limiter's await (if any) and the
// storage commit are I/O, and the ack frame leaves the output gate only once the commit is
// confirmed. So `storage.sync()` resolving is when the ack is released, and its clock minus the
// arrival time is the send → ack the sender experiences inside the edge (network excluded).
//
// Cost: sampled, so the hot path pays a comparison per send: at most one measurement in flight and
// at most one point per SEND_ACK_SAMPLE_MS per object (a burst would otherwise fill the
// invocation's point budget and crowd out the other stages). Under local workerd the commit is a
// local SQLite write and reads ≈0 ms beyond the limiter; in production it is the replicated commit.
import type { EdgeMetricPoint } from "@edge-chat/protocol";

export const SEND_ACK_SAMPLE_MS = 100;

export interface SendAckProbeDeps {
  now: () => number;
  /** Resolves when every write so far is durable (DurableObjectStorage.sync). */
  committed: () => Promise<void>;
  record: (point: EdgeMetricPoint) => void;
}

export class SendAckProbe {
  private readonly deps: SendAckProbeDeps;
  private inFlight = false;
  private nextAt = Number.NEGATIVE_INFINITY;

  constructor(deps: SendAckProbeDeps) {
    this.deps = deps;
  }

  /** A send that arrived at `arrivedAt` was acknowledged (its ack waits on the commit). O(1). */
  acked(arrivedAt: number): void {
    if (this.inFlight || arrivedAt < this.nextAt) return;
    this.inFlight = true;
    this.nextAt = arrivedAt + SEND_ACK_SAMPLE_MS;
    const { deps } = this;
    deps
      .committed()
      .then(
        () => deps.record({ stage: "send_ack", ms: Math.max(0, deps.now() - arrivedAt) }),
        () => {}, // a failed commit breaks the object anyway; nothing honest to record
      )
      .finally(() => {
        this.inFlight = false;
      });
  }
}
