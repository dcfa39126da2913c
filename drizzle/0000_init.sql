CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`search_text` text NOT NULL,
	`archived` integer NOT NULL,
	`archived_at` text,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `projects_by_name` ON `projects` (`archived`,"name" COLLATE NOCASE,`id`);--> statement-breakpoint
CREATE TABLE `task_labels` (
	`task_id` text NOT NULL,
	`label_key` text NOT NULL,
	PRIMARY KEY(`task_id`, `label_key`),
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `task_labels_by_key` ON `task_labels` (`label_key`,`task_id`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`project_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`search_text` text NOT NULL,
	`priority` text NOT NULL,
	`priority_rank` integer NOT NULL,
	`due_date` text,
	`due_sort_asc` text GENERATED ALWAYS AS (coalesce("due_date", '9999-99-99')) VIRTUAL,
	`due_sort_desc` text GENERATED ALWAYS AS (coalesce("due_date", '')) VIRTUAL,
	`labels` text NOT NULL,
	`completed` integer NOT NULL,
	`completed_at` text,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`project_id`) REFERENCES `projects`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_id` ON `tasks` (`id`);--> statement-breakpoint
CREATE INDEX `tasks_by_project_created` ON `tasks` (`project_id`,`completed`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_by_project_updated` ON `tasks` (`project_id`,`completed`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_by_project_priority` ON `tasks` (`project_id`,`completed`,`priority_rank`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_by_project_title` ON `tasks` (`project_id`,`completed`,"title" COLLATE NOCASE,`id`);--> statement-breakpoint
CREATE INDEX `tasks_by_project_due_asc` ON `tasks` (`project_id`,`completed`,`due_sort_asc`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_by_project_due_desc` ON `tasks` (`project_id`,`completed`,`due_sort_desc`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_by_created` ON `tasks` (`completed`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `tasks_by_due` ON `tasks` (`completed`,`due_date`);