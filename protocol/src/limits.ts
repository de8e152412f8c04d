// Limits shared by every end: the edge enforces them, the SDK checks them before sending.

export const LIMITS = {
  /** Largest WebSocket frame the edge parses, in bytes (UTF-8). */
  maxFrameBytes: 64 * 1024,
  /** Longest text message, in characters. */
  maxTextChars: 4096,
  /** Longest media caption, in characters. */
  maxCaptionChars: 1024,
  /** Largest media object a message may reference, per kind, in bytes. */
  maxMediaBytes: {
    image: 16 * 1024 * 1024,
    audio: 16 * 1024 * 1024,
    video: 64 * 1024 * 1024,
  },
  /** Longest audio or video, in milliseconds. */
  maxMediaDurationMs: 60 * 60 * 1000,
  /** Most members in a group conversation. */
  maxGroupMembers: 1024,
  /** Longest group name, in characters. */
  maxGroupNameChars: 100,
  /** Most messages in one history page or sync batch. */
  maxPageSize: 200,
  /** Most events in one edge → region ingest batch. */
  maxBatchEvents: 500,
  /** Most rows a delete scrubs besides its target (edits and quoting replies it knows of). */
  maxScrubSeqs: 1000,
  /** Longest quoted excerpt a reply carries, in characters. */
  maxQuoteChars: 200,
  /** Most members one message mentions. */
  maxMentions: 50,
  /** Longest group description, in characters. */
  maxGroupDescriptionChars: 1000,
  /** Most seqs one "delete for me" request hides. */
  maxHideSeqs: 100,
} as const;
