DELETE FROM documents WHERE id = :#${variable.id} RETURNING id
