import type { toPublicKey } from "@/lib/auth/serialize-key";
import type { getNodesOverview } from "@/lib/nodes/list-nodes";
import type { toOpenAiModel } from "@/lib/registry/serialize";

// The shapes of the JSON API as the console reads them, derived from the server's
// own serializers so the first render (server) and live updates (SWR) agree.
export type ConsoleModel = ReturnType<typeof toOpenAiModel>;
export type ModelList = { object: "list"; data: ConsoleModel[] };
export type NodeOverview = Awaited<ReturnType<typeof getNodesOverview>>[number];
export type NodeModelState = NodeOverview["models"][number];
export type NodeList = { nodes: NodeOverview[] };
export type ApiKeyRow = ReturnType<typeof toPublicKey>;
export type KeyList = { keys: ApiKeyRow[] };
