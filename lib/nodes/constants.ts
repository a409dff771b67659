/** How often nodes report; sent to every node when it announces itself. */
export const heartbeatIntervalSeconds = 5;
export { nodeOfflineAfterSeconds } from "@/lib/db/queries/models";
