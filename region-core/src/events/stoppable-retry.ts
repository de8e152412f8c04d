// The protocol's retry policy for consumers that must stop promptly: the sleep between attempts
// ends with `Stopping` as soon as the consumer's stop signal fires, so a retry loop never holds a
// shutdown open (the record stays uncommitted and is redelivered).
import { type RetryPolicy, withRetry } from "@edge-chat/protocol";

/** Thrown inside a retry loop when the consumer stops: abandon the record, commit the prefix. */
export class Stopping extends Error {}

export function retryUntilStopped<T>(
  signal: AbortSignal,
  policy: RetryPolicy,
  operation: (attempt: number) => Promise<T>,
): Promise<T> {
  return withRetry(operation, {
    policy,
    sleep: (ms) =>
      new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(new Stopping());
        const timer = setTimeout(resolve, ms);
        signal.addEventListener(
          "abort",
          () => {
            clearTimeout(timer);
            reject(new Stopping());
          },
          { once: true },
        );
      }),
  });
}
