CREATE TABLE "node_commit_states" (
	"node_id" uuid NOT NULL,
	"model_id" uuid NOT NULL,
	"commit" text NOT NULL,
	"state" text NOT NULL,
	"variant" text,
	"bytes_done" bigint,
	"bytes_total" bigint,
	"error_code" text,
	"error_message" text,
	"report_hash" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "node_commit_states_node_id_model_id_commit_pk" PRIMARY KEY("node_id","model_id","commit")
);
--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "candidate" jsonb;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "previous" jsonb;--> statement-breakpoint
ALTER TABLE "node_commit_states" ADD CONSTRAINT "node_commit_states_node_id_nodes_id_fk" FOREIGN KEY ("node_id") REFERENCES "public"."nodes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "node_commit_states" ADD CONSTRAINT "node_commit_states_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "node_commit_states_model_idx" ON "node_commit_states" USING btree ("model_id","commit");