-- An instance's passages for the worker's in-memory index (knowledge/KnowledgeSearch): text and
-- search terms; the vectors come separately (knowledge-vectors.sql), only the ones not loaded yet.
SELECT id, document_id, ordinal, title, text, array_to_string(terms, ' ') AS terms
  FROM knowledge_passages
 WHERE instance = :instance
 ORDER BY id
