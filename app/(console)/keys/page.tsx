import type { Metadata } from "next";
import { KeysConsole } from "@/components/keys/keys-console";
import { AdminOnly } from "@/components/layout/admin-only";
import { PageHeader } from "@/components/ui/card";
import { listApiKeys } from "@/lib/auth/api-keys";
import { requirePageUser } from "@/lib/auth/current-user";
import { toPublicKey } from "@/lib/auth/serialize-key";

export const metadata: Metadata = { title: "API keys · llmlb console" };
export const dynamic = "force-dynamic";

export default async function KeysPage() {
  const user = await requirePageUser();
  const header = (
    <PageHeader
      title="API keys"
      description="Keys for nodes (node), scripts and apps (reader: listings and /v1/models) and automation (admin). Sent as Authorization: Bearer <key>."
    />
  );
  if (user.role !== "admin") return <AdminOnly header={header} what="API keys" />;
  const keys = (await listApiKeys()).map(toPublicKey);
  return (
    <div className="space-y-6">
      {header}
      <KeysConsole initialKeys={{ keys }} />
    </div>
  );
}
