-- Index an instance's documents again (all instances' with no instance given): after an embedding
-- model change, or to see a changed splitting. Every document back to 'pending'; with vectors=true
-- the passages' vectors are dropped too, so every passage is embedded again by the current model.
WITH docs AS (
    UPDATE documents
       SET index_status = 'pending', index_lease_token = NULL, index_locked_until = NULL
     WHERE CAST(:'instance' AS text) IS NULL OR instance = :'instance'
 RETURNING id
), vectors AS (
    UPDATE knowledge_passages
       SET embedding = NULL, embedding_model = NULL, embedded_seq = NULL, embed_run_at = now(), embed_error = NULL
     WHERE CAST(:vectors AS boolean)
       AND (CAST(:'instance' AS text) IS NULL OR instance = :'instance')
 RETURNING id
)
SELECT jsonb_build_object('documents', (SELECT count(*) FROM docs), 'vectors_dropped', (SELECT count(*) FROM vectors))::text AS json
