-- Indexing progress, of one instance or of all: documents waiting to be cut into passages, passages
-- waiting for a vector of the current model, and the last embeddings error.
SELECT jsonb_build_object(
         'documents', (SELECT count(*) FROM documents d WHERE CAST(:'instance' AS text) IS NULL OR d.instance = :'instance'),
         'documents_pending', (SELECT count(*) FROM documents d WHERE d.index_status = 'pending'
                                  AND (CAST(:'instance' AS text) IS NULL OR d.instance = :'instance')),
         'passages', count(p.id),
         'passages_embedded', count(p.id) FILTER (WHERE p.embedding IS NOT NULL
                                                  AND p.embedding_model = :'embeddingModel'),
         'passages_waiting_for_embedding', count(p.id) FILTER (WHERE p.embedding IS NULL),
         'passages_embedding_failed', count(p.id) FILTER (WHERE p.embedding IS NULL AND p.embed_error IS NOT NULL),
         'last_embedding_error', max(p.embed_error),
         'embedding_model', CAST(:'embeddingModel' AS text))::text AS json
  FROM knowledge_passages p
 WHERE CAST(:'instance' AS text) IS NULL OR p.instance = :'instance'
