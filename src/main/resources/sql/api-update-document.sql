UPDATE documents
   SET instance = :'instance', title = :'title', content = :'content', updated_at = now()
 WHERE id = :documentId
RETURNING jsonb_build_object('id', id, 'instance', instance, 'title', title, 'content', content,
                             'created_at', created_at, 'updated_at', updated_at)::text AS json
