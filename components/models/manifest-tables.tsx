import type { ModelDetail } from "@/lib/api/model-schemas";
import { formatBytes } from "@/lib/format/bytes";
import { Badge } from "../ui/badge";
import { Card } from "../ui/card";

const th = "px-3 py-2 font-medium";
const td = "px-3 py-2 align-top";

/** The stored manifest: each variant a node can choose, and every file with its hash. */
export function ManifestTables({ variants, artifacts }: Pick<ModelDetail, "variants" | "artifacts">) {
  return (
    <Card className="space-y-6">
      <div>
        <h2 className="text-base font-semibold">Variants</h2>
        <div className="relative mt-2 overflow-x-auto">
          <table className="w-full min-w-[32rem] text-left text-sm">
            <thead className="text-xs text-zinc-500 uppercase dark:text-zinc-400">
              <tr>
                <th className={th}>Variant</th>
                <th className={th}>Format</th>
                <th className={th}>Files</th>
                <th className={`${th} text-right`}>Size</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
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
            </tbody>
          </table>
        </div>
      </div>
      <div>
        <h2 className="text-base font-semibold">Files</h2>
        <div className="relative mt-2 overflow-x-auto">
          <table className="w-full min-w-[48rem] text-left text-sm">
            <thead className="text-xs text-zinc-500 uppercase dark:text-zinc-400">
              <tr>
                <th className={th}>File</th>
                <th className={th}>Role</th>
                <th className={th}>Variant</th>
                <th className={`${th} text-right`}>Size</th>
                <th className={th}>SHA-256</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
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
                    {a.sha256 ?? <span title="The Hub keeps no hash for small non-LFS files">—</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </Card>
  );
}
