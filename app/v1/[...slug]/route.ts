// ANY /v1/* that no other route matches – OpenAI's error shape: only the models API is served here
import { ApiError } from "@/lib/api/errors";
import { toErrorResponse } from "@/lib/api/respond";

export const dynamic = "force-dynamic";

function notFound(req: Request): Response {
  const { pathname } = new URL(req.url);
  return toErrorResponse(
    new ApiError("not_found", `${pathname} is not served by llmlb console: it lists models (/v1/models) only.`),
    { openai: true },
  );
}

export { notFound as DELETE, notFound as GET, notFound as PATCH, notFound as POST, notFound as PUT };
