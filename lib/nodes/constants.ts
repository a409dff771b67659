/** How often nodes report; sent to every node when it announces itself. */
export const heartbeatIntervalSeconds = 5;

/** A node that misses three heartbeats is offline and counts for nothing. */
export const nodeOfflineAfterSeconds = 3 * heartbeatIntervalSeconds;
