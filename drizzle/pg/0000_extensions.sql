-- Trigram indexes (case-insensitive substring search) need pg_trgm; on a managed server the role may need it granted.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
