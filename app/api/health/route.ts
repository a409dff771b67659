// GET /api/health – 200 while the database answers, 503 database_unavailable (with Retry-After) while it does not
// No key: load balancers ask it, and so does the console's error page to tell an outage from a bug.
import { jsonResponse, toErrorResponse } from "@/lib/api/respond";
import { pingDatabase } from "@/lib/db/health";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    await pingDatabase();
    return jsonResponse({ status: "ok", database: "ok" }, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return toErrorResponse(error);
  }
}
