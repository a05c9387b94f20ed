-- A reply of this instance met a number-health answer (delivery/NumberHealth): delivery for the
-- instance is paused until now + the cool-down (ai-worker.gateway.number-health.pause), or longer when
-- a pause already runs (never shortened). newly_paused: this statement began the pause (paused_at is
-- this transaction's now()), so exactly one of the nodes meeting it posts the alert; a second node
-- waits for the first's row lock and then sees the pause running.
INSERT INTO instance_delivery_pauses AS p (instance, paused_at, paused_until, reason, error, updated_at)
VALUES (:'instance', now(), now() + make_interval(secs => :pauseSeconds),
        :'pauseReason', :'deliveryError', now())
ON CONFLICT (instance) DO UPDATE
   SET paused_at    = CASE WHEN p.paused_until > now() THEN p.paused_at ELSE now() END,
       paused_until = GREATEST(p.paused_until, EXCLUDED.paused_until),
       reason       = EXCLUDED.reason,
       error        = EXCLUDED.error,
       resumed_by   = CASE WHEN p.paused_until > now() THEN p.resumed_by END,
       updated_at   = now()
RETURNING paused_at = now() AS newly_paused, paused_until
