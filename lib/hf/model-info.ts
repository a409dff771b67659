import { z } from "zod";

// Only the fields we use; everything else the Hub sends is ignored, and fields the
// Hub sometimes omits get safe defaults instead of failing the registration.
export const hubModelInfoSchema = z.object({
  id: z.string().min(1),
  sha: z.string().regex(/^[0-9a-f]{40}$/, "commit sha"),
  private: z.boolean().optional().default(false),
  gated: z
    .union([z.literal(false), z.literal("auto"), z.literal("manual"), z.boolean(), z.string()])
    .optional()
    .default(false)
    .transform((g) => (g === true ? "auto" : g === false ? false : g)),
  disabled: z.boolean().optional().default(false),
  tags: z.array(z.string()).optional().default([]),
  lastModified: z.string().nullish(),
  siblings: z
    .array(
      z.object({
        rfilename: z.string().min(1),
        size: z.number().int().nonnegative().optional(),
        lfs: z
          .object({ sha256: z.string(), size: z.number().int().nonnegative() })
          .nullish()
          .transform((v) => v ?? undefined),
      }),
    )
    .optional()
    .default([]),
});

export type HubModelInfo = z.infer<typeof hubModelInfoSchema>;
