// The models list's view (issue 15): filter by state and format, sort by registration time,
// name or size, search by name; kept in the URL (`?state=ready&format=gguf&sort=size-desc&q=llama`)
// so a filtered view can be shared. Pure: parsing, applying and writing back.
import type { V1Model } from "@/lib/api/model-schemas";

export const stateChoices = [
  { value: "", label: "Any state" },
  { value: "ready", label: "Ready" },
  { value: "syncing", label: "Syncing" },
  { value: "error", label: "Error" },
  { value: "registered", label: "Not on any node" },
] as const;

const formats = ["gguf", "safetensors", "onnx", "metal"] as const;
export const formatChoices = [{ value: "", label: "Any format" }, ...formats.map((f) => ({ value: f, label: f }))];

export const sortChoices = [
  { value: "", label: "Registered, oldest first" },
  { value: "registered-desc", label: "Registered, newest first" },
  { value: "name", label: "Name" },
  { value: "size-desc", label: "Size, largest first" },
  { value: "size", label: "Size, smallest first" },
] as const;

export interface ListView {
  q: string;
  state: string;
  format: string;
  sort: string;
}

const known = (value: string | null, allowed: readonly string[]) => (value && allowed.includes(value) ? value : "");

/** The view a URL asks for; anything unknown is the default, never an error. */
export function readView(params: URLSearchParams): ListView {
  return {
    q: (params.get("q") ?? "").slice(0, 200),
    state: known(
      params.get("state"),
      stateChoices.map((c) => c.value),
    ),
    format: known(params.get("format"), formats),
    sort: known(
      params.get("sort"),
      sortChoices.map((c) => c.value),
    ),
  };
}

/** The query string of a view: only what differs from the default. */
export function writeView(view: ListView): string {
  const params = new URLSearchParams();
  if (view.q.trim()) params.set("q", view.q.trim());
  if (view.state) params.set("state", view.state);
  if (view.format) params.set("format", view.format);
  if (view.sort) params.set("sort", view.sort);
  const text = params.toString();
  return text ? `?${text}` : "";
}

export const isFiltered = (view: ListView) => Boolean(view.q.trim() || view.state || view.format);

/** The models the view shows, in its order (the listing's own order: registered, oldest first). */
export function applyView(models: V1Model[], view: ListView): V1Model[] {
  const q = view.q.trim().toLowerCase();
  const shown = models.filter(
    (m) =>
      (!q || [m.id, m.display_name, m.repo].some((s) => s?.toLowerCase().includes(q))) &&
      (!view.state || m.sync.state === view.state) &&
      (!view.format || m.formats.includes(view.format)),
  );
  const by = (value: (m: V1Model) => number | string, sign = 1) =>
    [...shown].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      return sign * (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y)));
    });
  switch (view.sort) {
    case "registered-desc":
      return by((m) => m.created, -1);
    case "name":
      return by((m) => m.id);
    case "size-desc":
      return by((m) => m.size_bytes, -1);
    case "size":
      return by((m) => m.size_bytes);
    default:
      return shown;
  }
}
