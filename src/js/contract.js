// The values the JavaScript side shares with the Rust side. Written once in
// src/contract.rs; tests/contract.rs checks this file (and index.d.ts, the
// README) against it.

export const CONNECTING = 0;
export const OPEN = 1;
export const CLOSED = 2;

/** The batch table's "same last event ID as the previous event" marker. */
export const SAME_ID = 0xffffffff;

/** Every reason an error event can carry. */
export const REASONS = ['network', 'ended', 'status', 'mime', 'limit', 'timeout', 'retries', 'vetoed', 'refused', 'aborted', 'scheme', 'panic'];
