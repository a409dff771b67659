// POST /api/hooks/huggingface – a Hugging Face webhook: a repository changed, so check the
// models that follow it (docs/upstream.md). Authenticated by X-Webhook-Secret against
// LLMLB_HF_WEBHOOK_SECRET; without that setting the endpoint does not exist (404).
import { createHash, timingSafeEqual } from "node:crypto";
import { ApiError } from "@/lib/api/errors";
import { parseJsonBody } from "@/lib/api/parse-body";
import { jsonResponse, toErrorResponse } from "@/lib/api/respond";
import { hfWebhookSchema } from "@/lib/api/schemas";
import { checkFollowersOf } from "@/lib/registry/upstream";

export const dynamic = "force-dynamic";

export async function POST(req: Request): Promise<Response> {
  try {
    const secret = process.env.LLMLB_HF_WEBHOOK_SECRET;
    if (!secret) {
      throw new ApiError("not_found", "No Hugging Face webhook is set up on this server (LLMLB_HF_WEBHOOK_SECRET).");
    }
    if (!sameSecret(req.headers.get("x-webhook-secret"), secret)) {
      throw new ApiError("unauthorized", "X-Webhook-Secret is missing or is not this server's webhook secret.");
    }
    // The Hub sends discussion events with their comment text to the same URL: room for them.
    const payload = await parseJsonBody(req, hfWebhookSchema, { maxBytes: 512 * 1024 });
    if (payload.repo.type !== "model" || !payload.event.scope.startsWith("repo")) {
      return jsonResponse({ checking: [], ignored: `${payload.event.scope} of a ${payload.repo.type}` });
    }
    return jsonResponse({ checking: await checkFollowersOf({ repo: payload.repo.name }) }, { status: 202 });
  } catch (error) {
    return toErrorResponse(error);
  }
}

/** Compared as digests, so neither the length nor any prefix of the secret shows in the time taken. */
function sameSecret(given: string | null, secret: string): boolean {
  if (given === null) return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(secret));
}
