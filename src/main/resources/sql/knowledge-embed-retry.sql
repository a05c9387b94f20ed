-- A batch whose embeddings request failed (4xx/5xx, a timeout, an unusable answer): its passages
-- wait ai-worker.knowledge.embedding-retry-seconds and are claimed again; word search serves them
-- meanwhile.
UPDATE knowledge_passages
   SET embed_attempts = embed_attempts + 1, embed_error = :'embedError',
       embed_run_at = now() + make_interval(secs => CAST(:embeddingRetrySeconds AS integer)),
       embed_lease_token = NULL, embed_locked_until = NULL
 WHERE embed_lease_token = :token
