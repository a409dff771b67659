import type { ModelDetail } from "@/lib/api/model-schemas";
import { formatBytes } from "@/lib/format/bytes";
import { Badge } from "../ui/badge";
import { Card } from "../ui/card";
import { Table } from "../ui/table";

const size = { label: "Size", className: "text-right" };
const variantColumns = [{ label: "Variant" }, { label: "Format" }, { label: "Files" }, size];
const fileColumns = [{ label: "File" }, { label: "Role" }, { label: "Variant" }, size, { label: "SHA-256" }];
const td = "px-3 py-2 align-top";

/** The stored manifest: each variant a node can choose, and every file with its hash. */
export function ManifestTables({ variants, artifacts }: Pick<ModelDetail, "variants" | "artifacts">) {
  return (
    <Card className="space-y-6">
      <div>
        <h2 className="text-base font-semibold">Variants</h2>
        <Table columns={variantColumns} wrapperClassName="mt-2" className="min-w-[32rem]">
          {variants.map((v) => (
            <tr key={v.name} data-testid="variant-row">
              <td className={`${td} font-mono`}>
                {v.name} {v.complete ? null : <Badge tone="amber">incomplete</Badge>}
              </td>
              <td className={td}>{v.format}</td>
              <td className={td}>{v.files.length}</td>
              <td className={`${td} text-right tabular-nums`}>{formatBytes(v.size_bytes)}</td>
            </tr>
          ))}
        </Table>
      </div>
      <div>
        <h2 className="text-base font-semibold">Files</h2>
        <Table columns={fileColumns} wrapperClassName="mt-2" className="min-w-[48rem]">
          {artifacts.map((a) => (
            <tr key={a.filename} data-testid="artifact-row">
              <td className={`${td} font-mono text-xs break-all`}>
                <a href={a.url} className="hover:underline" target="_blank" rel="noreferrer">
                  {a.filename}
                </a>
              </td>
              <td className={td}>{a.role}</td>
              <td className={`${td} font-mono text-xs`}>{a.variant ?? "—"}</td>
              <td className={`${td} text-right whitespace-nowrap tabular-nums`}>{formatBytes(a.size_bytes)}</td>
              <td className={`${td} font-mono text-xs break-all text-zinc-600 dark:text-zinc-400`}>
                {a.sha256 ??
                  (a.blob_id ? (
                    <span title="No sha256 for a small file kept in git: nodes check its git blob id">
                      git {a.blob_id}
                    </span>
                  ) : (
                    <span title="The Hub gave no hash for this file">—</span>
                  ))}
              </td>
            </tr>
          ))}
        </Table>
      </div>
    </Card>
  );
}
