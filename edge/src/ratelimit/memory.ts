// The embedded global limiter: fixed-window counters in this isolate, read as a sliding window.
import { type GlobalLimiter, slidingWindowAllows, type WindowLimit } from "./ports.ts";

export function memoryLimiter(limit: WindowLimit): GlobalLimiter {
  const windows = new Map<string, { start: number; current: number; previous: number }>();
  return {
    async limit(identifier, now) {
      const start = Math.floor(now / limit.windowMs) * limit.windowMs;
      let entry = windows.get(identifier);
      if (!entry || entry.start !== start) {
        const previous = entry && entry.start === start - limit.windowMs ? entry.current : 0;
        entry = { start, current: 0, previous };
        windows.set(identifier, entry);
      }
      const result = slidingWindowAllows(limit, entry, now);
      if (result.success) entry.current += 1;
      return result;
    },
  };
}
