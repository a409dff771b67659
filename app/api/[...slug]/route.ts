// ANY /api/* that no other route matches – a JSON 404 instead of Next's HTML page
import { ApiError } from "@/lib/api/errors";
import { toErrorResponse } from "@/lib/api/respond";

export const dynamic = "force-dynamic";

function notFound(req: Request): Response {
  const { pathname } = new URL(req.url);
  return toErrorResponse(new ApiError("not_found", `No API endpoint at ${req.method} ${pathname}; see the README.`));
}

export { notFound as DELETE, notFound as GET, notFound as PATCH, notFound as POST, notFound as PUT };
