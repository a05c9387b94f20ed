-- An instance's passage vectors of the current embedding model stored after the worker's last load
-- (embedded_seq), in PostgreSQL's binary array form (array_send: 4 bytes a value, no text parsing).
SELECT id, array_send(embedding) AS vector, embedded_seq
  FROM knowledge_passages
 WHERE instance = :instance AND embedding_model = :model AND embedded_seq > :after
