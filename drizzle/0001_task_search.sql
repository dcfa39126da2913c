-- Full-text index over tasks.search_text (already lower-cased), trigram-tokenized so that any term of
-- three or more characters is found as a substring without scanning the table. Drizzle cannot declare
-- virtual tables, so this migration is written by hand; triggers keep it in step with tasks.
CREATE VIRTUAL TABLE `tasks_fts` USING fts5(search_text, content='tasks', content_rowid='seq', tokenize='trigram case_sensitive 1');
--> statement-breakpoint
CREATE TRIGGER `tasks_fts_insert` AFTER INSERT ON `tasks` BEGIN
  INSERT INTO tasks_fts(rowid, search_text) VALUES (new.seq, new.search_text);
END;
--> statement-breakpoint
CREATE TRIGGER `tasks_fts_delete` AFTER DELETE ON `tasks` BEGIN
  INSERT INTO tasks_fts(tasks_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
END;
--> statement-breakpoint
CREATE TRIGGER `tasks_fts_update` AFTER UPDATE OF search_text ON `tasks` BEGIN
  INSERT INTO tasks_fts(tasks_fts, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
  INSERT INTO tasks_fts(rowid, search_text) VALUES (new.seq, new.search_text);
END;
