-- Bulk import (POST /api/instances/{instance}/documents/import, docs/knowledge.md): many documents
-- of one instance created or replaced in one statement, so all or none. A given title the instance
-- already has replaces that document's content (the oldest one of that title); any other is a new
-- document. Either way the document is queued for indexing (the insert's default, V13's trigger).
-- The checked documents come as one JSON array of {title, content} with distinct titles.
WITH given AS (
    SELECT e.ord, e.d ->> 'title' AS title, e.d ->> 'content' AS content
      FROM jsonb_array_elements(CAST(:'documents' AS jsonb)) WITH ORDINALITY AS e(d, ord)
), existing AS (
    SELECT g.ord, (SELECT min(d.id) FROM documents d
                    WHERE d.instance = :'instance' AND d.title = g.title) AS id
      FROM given g
), replaced AS (
    UPDATE documents d SET content = g.content, updated_at = now()
      FROM given g JOIN existing x ON x.ord = g.ord
     WHERE d.id = x.id
    RETURNING d.id, g.ord
), created AS (
    INSERT INTO documents (instance, title, content)
    SELECT :'instance', g.title, g.content
      FROM given g JOIN existing x ON x.ord = g.ord
     WHERE x.id IS NULL
     ORDER BY g.ord
    RETURNING id, title
)
SELECT jsonb_build_object('instance', CAST(:'instance' AS text),
           'created', count(c.id), 'replaced', count(r.id),
           'documents', jsonb_agg(jsonb_build_object('id', coalesce(r.id, c.id), 'title', g.title,
                                  'action', CASE WHEN r.id IS NOT NULL THEN 'replaced' ELSE 'created' END)
                                  ORDER BY g.ord))::text AS json
  FROM given g
  LEFT JOIN replaced r ON r.ord = g.ord
  LEFT JOIN created c ON c.title = g.title
