// GET /api/activity – the activity log, newest first: ?limit=&before= pages, ?action=&actor=&outcome= filter

import { listActivity } from "@/lib/activity/list-activity";
import { activityQuerySchema } from "@/lib/api/activity-schemas";
import { jsonResponse } from "@/lib/api/respond";
import { withApiKey } from "@/lib/auth/with-api-key";

export const dynamic = "force-dynamic";

export const GET = withApiKey(
  async (req) => {
    const query = activityQuerySchema.parse(Object.fromEntries(new URL(req.url).searchParams));
    return jsonResponse(await listActivity(query));
  },
  { scopes: ["admin"] },
);
