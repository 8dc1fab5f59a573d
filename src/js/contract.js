// The values the JavaScript side shares with the Rust side. Written once in
// src/contract.rs; tests/contract.rs checks this file (and index.d.ts, the
// README) against it.

export const CONNECTING = 0;
export const OPEN = 1;
export const CLOSED = 2;

/** The batch's layout (src/batch.rs): the character that ends each piece, and the kind's bits. */
export const BATCH_END = '\r';
export const KIND_TYPE = 1;
export const KIND_ID = 2;
export const KIND_COMMENT = 4;

/** Every reason an error event can carry. */
export const REASONS = ['network', 'ended', 'status', 'mime', 'limit', 'timeout', 'retries', 'vetoed', 'refused', 'aborted', 'scheme', 'unrepeatable', 'panic'];
