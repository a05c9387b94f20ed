-- GET /api/delivery-pauses and the ai_worker_instance_delivery_paused gauge: every instance that was
-- ever paused, whether it is now, and its pending replies (a small table: one row per instance).
SELECT COALESCE(json_agg(json_build_object(
           'instance', p.instance, 'paused', p.paused_until > now(), 'paused_at', p.paused_at,
           'paused_until', p.paused_until, 'reason', p.reason, 'error', p.error, 'resumed_by', p.resumed_by,
           'pending_replies', (SELECT count(*) FROM messages m WHERE m.delivery_status = 'pending' AND m.instance = p.instance))
           ORDER BY p.instance), '[]')::text
  FROM instance_delivery_pauses p
