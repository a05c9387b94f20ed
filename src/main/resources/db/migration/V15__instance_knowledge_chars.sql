-- Knowledge budget per instance (docs/knowledge.md): characters of passage text in the prompt of
-- this instance's jobs; NULL = ai-worker.knowledge.budget-chars.
ALTER TABLE instance_settings ADD COLUMN knowledge_chars integer;
