-- The instance's most relevant knowledge documents: full-text rank against the customer's words
-- (any word may match, hence the OR query), newest first on equal rank.
SELECT title, content
  FROM documents
 WHERE instance = :#${variable.job[instance]}
 ORDER BY ts_rank(search, replace(plainto_tsquery('simple', :#${variable.question})::text, ' & ', ' | ')::tsquery) DESC,
          updated_at DESC, id DESC
 LIMIT CAST(:#${properties:ai-worker.context.documents:5} AS integer)
