// Runs once when the server starts: apply pending migrations before the first
// request, so `npm start` on a fresh machine needs no separate setup step.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServerOrExit } = await import("./lib/server-start");
  await startServerOrExit();
}
