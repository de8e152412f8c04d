// What the fan-out benchmark's main thread and its driver threads say to each other.

export interface SocketTask {
  /** The member's index in the group (0 … members-1); member i mod N sends message i. */
  index: number;
  url: string;
  headers?: Record<string, string>;
}

export interface CaseTask {
  /** Unique per case and target: frames of another case are ignored. */
  caseId: string;
  target: "floor" | "product";
  members: number;
  rate: number;
  /** Messages in the case (rate × seconds). */
  count: number;
  delivered: boolean;
  /**
   * How long without any delivery, after the last scheduled send, a thread waits before it counts
   * the rest as missing (driver.ts: at most 30 s after the last send in all).
   */
  drainMs: number;
  /** This thread's members. */
  sockets: SocketTask[];
}

export type ToDriver = { kind: "open"; task: CaseTask } | { kind: "go"; t0: number };

export interface DriverReport {
  threadId: number;
  /** One per delivery: send → arrival, in ms. */
  latencies: Float64Array;
  /** One per message this thread sent: how late after its scheduled time (driver saturation). */
  sendLag: Float64Array;
  /** Distinct (member, message) deliveries. */
  unique: number;
  duplicates: number;
  errors: number;
  frames: number;
  /** Characters of every frame received (the product's frames are larger than the floor's). */
  frameChars: number;
  /**
   * Per message of the case (NaN where this thread got none): its send time and the earliest and
   * latest delivery on this thread, so a late message (every member late) can be told apart from a
   * broadcast's tail (a few members late), all in epoch ms.
   */
  sentAt: Float64Array;
  firstAt: Float64Array;
  lastAt: Float64Array;
  /** Event-loop utilisation of the thread over the case (1 = saturated). */
  elu: number;
  cpuMs: number;
  wallMs: number;
}

export type FromDriver =
  | { kind: "ready" }
  | { kind: "report"; report: DriverReport }
  | { kind: "failed"; error: string };
