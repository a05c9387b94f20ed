-- DELETE /api/delivery-pauses/{instance}: an operator ends a running pause at once; its replies are
-- claimed again (no row: the instance is not paused).
UPDATE instance_delivery_pauses
   SET paused_until = now(), resumed_by = 'operator', updated_at = now()
 WHERE instance = :'instance' AND paused_until > now()
RETURNING json_build_object('instance', instance, 'paused', false, 'paused_at', paused_at, 'resumed_at', paused_until,
                            'resumed_by', resumed_by, 'reason', reason)::text
