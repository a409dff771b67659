/** How often the console refreshes live data: under the nodes' 5 s heartbeat. */
export const liveRefreshMs = 2500;

export function modelApiPath(name: string): string {
  return name.split("/").map(encodeURIComponent).join("/");
}
