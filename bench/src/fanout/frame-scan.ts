// How the fan-out driver reads a delivery frame: by string search, not JSON.parse. Pure.

/**
 * Reads a frame without JSON.parse: the benchmark's own message texts (`"text":"<case>|i|at"`) are
 * found by a string search, and the newest seq by the last `"seq":`. At hundreds of messages a
 * second to 100 members, parsing every whole frame made the driver, not the server, the limit.
 * Frames are the product's `message`/`messages` (texts and seqs), the floor's echoed `send` (one
 * text, no seq), or anything else (welcome, ack, error: no text of this case).
 */
export function scanFrame(
  data: string,
  caseId: string,
  onText: (i: number, at: number) => void,
): { texts: number; seq: number | undefined; error: boolean } {
  if (data.startsWith('{"type":"error"')) return { texts: 0, seq: undefined, error: true };
  const marker = `"text":"${caseId}|`;
  let texts = 0;
  let from = data.indexOf(marker);
  while (from !== -1) {
    const start = from + marker.length;
    const bar = data.indexOf("|", start);
    const quote = data.indexOf('"', bar);
    onText(Number(data.slice(start, bar)), Number(data.slice(bar + 1, quote)));
    texts++;
    from = data.indexOf(marker, quote);
  }
  let seq: number | undefined;
  const seqAt = texts > 0 ? data.lastIndexOf('"seq":') : -1;
  if (seqAt !== -1) seq = Number.parseInt(data.slice(seqAt + 6, seqAt + 26), 10);
  return { texts, seq, error: false };
}
