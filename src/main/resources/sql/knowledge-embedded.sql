-- Store a batch's vectors (only while the batch's claim holds: its token), raise the knowledge
-- version of the instances concerned (their workers load the new vectors) and add the request's
-- cost to their day's spend, shared by passage count.
WITH given AS (
    SELECT (e ->> 'id')::bigint AS id,
           ARRAY(SELECT jsonb_array_elements_text(e -> 'vector')::real) AS embedding
      FROM jsonb_array_elements(CAST(:'vectorsJson' AS jsonb)) e
), stored AS (
    UPDATE knowledge_passages p
       SET embedding = given.embedding, embedding_model = :'embeddingModel',
           embedded_seq = nextval('knowledge_embedded_seq'), embed_error = NULL,
           embed_lease_token = NULL, embed_locked_until = NULL
      FROM given
     WHERE p.id = given.id AND p.embed_lease_token = :token
 RETURNING p.instance
), per_instance AS (
    SELECT instance, count(*) AS n FROM stored GROUP BY instance
), version AS (
    INSERT INTO knowledge_versions AS k (instance, version)
    SELECT instance, 1 FROM per_instance
    ON CONFLICT (instance) DO UPDATE SET version = k.version + 1
), spend AS (
    INSERT INTO instance_spend AS s (instance, day, cost_usd)
    SELECT instance, (now() AT TIME ZONE 'UTC')::date,
           CAST(:cost AS numeric) * n / (SELECT sum(n) FROM per_instance)
      FROM per_instance
    ON CONFLICT (instance, day) DO UPDATE SET cost_usd = s.cost_usd + EXCLUDED.cost_usd
)
SELECT count(*) AS stored FROM stored
