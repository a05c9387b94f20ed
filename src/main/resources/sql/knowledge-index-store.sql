-- Replace a document's passages by the ones just cut from it, in one statement, and mark it
-- indexed; only the claim holding the document may (its token: a change of the document meanwhile
-- clears it, and the document is claimed again). A new passage with the same title and text as an
-- old one keeps the old one's vector of the current model (a small edit re-embeds only what changed).
WITH doc AS (
    UPDATE documents
       SET index_status = 'indexed', indexed_at = now(), index_lease_token = NULL, index_locked_until = NULL
     WHERE id = :id AND index_lease_token = :index_lease_token
 RETURNING id, instance, title
), old AS (
    DELETE FROM knowledge_passages p
     USING doc
     WHERE p.document_id = doc.id
 RETURNING p.title, p.text, p.embedding, p.embedding_model
), cut AS (
    SELECT x.ordinal, x.text
      FROM jsonb_to_recordset(CAST(:'passages' AS jsonb)) AS x(ordinal integer, text text)
)
INSERT INTO knowledge_passages (document_id, instance, ordinal, title, text, terms, embedding, embedding_model, embedded_seq)
SELECT doc.id, doc.instance, cut.ordinal, doc.title, cut.text,
       knowledge_terms(doc.title || E'\n' || cut.text, regexp_split_to_array(lower(trim(:'fillerWords')), '\s+')),
       kept.embedding, kept.embedding_model,
       CASE WHEN kept.embedding IS NOT NULL THEN nextval('knowledge_embedded_seq') END
  FROM doc
 CROSS JOIN cut
  LEFT JOIN LATERAL (SELECT old.embedding, old.embedding_model
                       FROM old
                      WHERE old.title = doc.title AND old.text = cut.text
                        AND old.embedding_model = :'embeddingModel'
                      LIMIT 1) kept ON true
RETURNING id
