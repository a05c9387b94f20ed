-- Claim a batch of passages without a vector (new ones, and ones whose last batch failed and whose
-- wait is over), for one embeddings request. SKIP LOCKED across nodes; one fresh fencing token for
-- the batch and a lease of one request plus a margin.
WITH token AS (SELECT nextval('lease_tokens') AS value)
UPDATE knowledge_passages p
   SET embed_lease_token = token.value,
       embed_locked_until = now() + make_interval(secs => CAST(:embeddingTimeoutMs AS integer) / 1000.0 + 30)
  FROM token
 WHERE p.id IN (SELECT id
                  FROM knowledge_passages
                 WHERE embedding IS NULL AND embed_run_at <= now()
                   AND (embed_locked_until IS NULL OR embed_locked_until < now())
                 ORDER BY embed_run_at, id
                 LIMIT CAST(:embeddingBatch AS integer)
                   FOR UPDATE SKIP LOCKED)
RETURNING p.id, p.instance, p.title || E'\n' || p.text AS text, p.embed_lease_token
