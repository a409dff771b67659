import { z } from "zod";

export const registerBodySchema = z.object({
  repo: z
    .string({ error: "repo must be a string: a Hugging Face URL or owner/repo" })
    .trim()
    .min(1, "repo is empty: paste a Hugging Face URL or owner/repo")
    .max(2048, "repo is longer than 2048 characters"),
  filename: z
    .string({ error: "filename must be a string" })
    .max(1024, "filename is longer than 1024 characters")
    .nullish(),
  display_name: z
    .string({ error: "display_name must be a string" })
    .trim()
    .max(200, "display_name is longer than 200 characters")
    .nullish(),
});

export const apiKeyScopeSchema = z.enum(["admin", "node", "reader"], {
  error: "scope must be one of admin, node, reader",
});

export const createKeyBodySchema = z.object({
  name: z
    .string({ error: "name must be a string" })
    .trim()
    .min(1, "name is empty: give the key a name people will recognise")
    .max(100, "name is longer than 100 characters"),
  scope: apiKeyScopeSchema,
});

export const uuidSchema = z.uuid({ error: "not a valid id" });
