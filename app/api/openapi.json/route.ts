// GET /api/openapi.json – the OpenAPI 3.1 document, generated from the handlers' zod schemas
import { buildOpenApiDocument } from "@/lib/api/openapi";
import { rawJsonResponse } from "@/lib/api/respond";

export const dynamic = "force-static";

export function GET() {
  return rawJsonResponse(JSON.stringify(buildOpenApiDocument()));
}
