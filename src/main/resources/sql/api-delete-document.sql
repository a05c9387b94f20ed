DELETE FROM documents WHERE id = :documentId RETURNING id
