CREATE TABLE "access_tokens" (
	"name" text COLLATE "C" PRIMARY KEY NOT NULL,
	"scope" text COLLATE "C" NOT NULL,
	"secret_hash" text COLLATE "C" NOT NULL,
	"created_at" text COLLATE "C" NOT NULL,
	"expires_at" text COLLATE "C",
	"last_used_at" text COLLATE "C"
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "projects_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"name" text COLLATE "C" NOT NULL,
	"description" text COLLATE "C" NOT NULL,
	"search_text" text COLLATE "C" NOT NULL,
	"name_key" text COLLATE "C" GENERATED ALWAYS AS (translate("name", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')) STORED NOT NULL,
	"archived" boolean NOT NULL,
	"archived_at" text COLLATE "C",
	"version" integer NOT NULL,
	"created_at" text COLLATE "C" NOT NULL,
	"updated_at" text COLLATE "C" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text COLLATE "C" PRIMARY KEY NOT NULL,
	"value" text COLLATE "C" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task_labels" (
	"task_id" text COLLATE "C" NOT NULL,
	"label_key" text COLLATE "C" NOT NULL,
	CONSTRAINT "task_labels_task_id_label_key_pk" PRIMARY KEY("task_id","label_key")
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "tasks_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" text COLLATE "C" PRIMARY KEY NOT NULL,
	"project_id" text COLLATE "C" NOT NULL,
	"title" text COLLATE "C" NOT NULL,
	"description" text COLLATE "C" NOT NULL,
	"search_text" text COLLATE "C" NOT NULL,
	"priority" text COLLATE "C" NOT NULL,
	"priority_rank" integer NOT NULL,
	"due_date" text COLLATE "C",
	"due_sort_asc" text COLLATE "C" GENERATED ALWAYS AS (coalesce("due_date", '9999-99-99')) STORED NOT NULL,
	"due_sort_desc" text COLLATE "C" GENERATED ALWAYS AS (coalesce("due_date", '')) STORED NOT NULL,
	"title_key" text COLLATE "C" GENERATED ALWAYS AS (translate("title", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')) STORED NOT NULL,
	"labels" jsonb NOT NULL,
	"completed" boolean NOT NULL,
	"completed_at" text COLLATE "C",
	"version" integer NOT NULL,
	"created_at" text COLLATE "C" NOT NULL,
	"updated_at" text COLLATE "C" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "task_labels" ADD CONSTRAINT "task_labels_task_id_tasks_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."tasks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "access_tokens_by_hash" ON "access_tokens" USING btree ("secret_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "projects_seq" ON "projects" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "projects_by_name" ON "projects" USING btree ("archived","name_key","id");--> statement-breakpoint
CREATE INDEX "projects_search" ON "projects" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "task_labels_by_key" ON "task_labels" USING btree ("label_key","task_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_seq" ON "tasks" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "tasks_by_project_created" ON "tasks" USING btree ("project_id","completed","created_at","id");--> statement-breakpoint
CREATE INDEX "tasks_by_project_updated" ON "tasks" USING btree ("project_id","completed","updated_at","id");--> statement-breakpoint
CREATE INDEX "tasks_by_project_priority" ON "tasks" USING btree ("project_id","completed","priority_rank","id");--> statement-breakpoint
CREATE INDEX "tasks_by_project_title" ON "tasks" USING btree ("project_id","completed","title_key","id");--> statement-breakpoint
CREATE INDEX "tasks_by_project_due_asc" ON "tasks" USING btree ("project_id","completed","due_sort_asc","id");--> statement-breakpoint
CREATE INDEX "tasks_by_project_due_desc" ON "tasks" USING btree ("project_id","completed","due_sort_desc","id");--> statement-breakpoint
CREATE INDEX "tasks_by_created" ON "tasks" USING btree ("completed","created_at","id");--> statement-breakpoint
CREATE INDEX "tasks_by_updated" ON "tasks" USING btree ("completed","updated_at","id");--> statement-breakpoint
CREATE INDEX "tasks_by_priority" ON "tasks" USING btree ("completed","priority_rank","id");--> statement-breakpoint
CREATE INDEX "tasks_by_title" ON "tasks" USING btree ("completed","title_key","id");--> statement-breakpoint
CREATE INDEX "tasks_by_due_asc" ON "tasks" USING btree ("completed","due_sort_asc","id");--> statement-breakpoint
CREATE INDEX "tasks_by_due_desc" ON "tasks" USING btree ("completed","due_sort_desc","id");--> statement-breakpoint
CREATE INDEX "tasks_search" ON "tasks" USING gin ("search_text" gin_trgm_ops);