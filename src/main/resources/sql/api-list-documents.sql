-- Knowledge documents, newest first, optionally of one instance.
SELECT COALESCE(jsonb_agg(x ORDER BY x.updated_at DESC, x.id DESC), '[]'::jsonb)::text AS json
  FROM (SELECT id, instance, title, content, created_at, updated_at
          FROM documents
         WHERE (CAST(:'instance' AS text) IS NULL OR instance = :'instance')
         ORDER BY updated_at DESC, id DESC
         LIMIT :limit) x
