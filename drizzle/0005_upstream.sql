CREATE TABLE "model_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"model_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"from_commit" text,
	"to_commit" text,
	"detail" text
);
--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "quant" text;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "follow" text DEFAULT 'manual' NOT NULL;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "upstream_state" text;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "upstream_commit" text;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "upstream_checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "upstream_seen_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "upstream_diff" jsonb;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "upstream_reason" jsonb;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "upstream_check_error" jsonb;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "upstream_next_check_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "model_history" ADD CONSTRAINT "model_history_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "model_history_model_idx" ON "model_history" USING btree ("model_id","at");--> statement-breakpoint
CREATE INDEX "models_upstream_next_check_idx" ON "models" USING btree ("upstream_next_check_at");