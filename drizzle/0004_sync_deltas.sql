ALTER TABLE "node_model_states" ADD COLUMN "report_hash" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "sync_session" text;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "sync_seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "state_digest" bigint DEFAULT 0 NOT NULL;