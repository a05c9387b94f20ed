-- What all instances together spent today (UTC day), for the global spend-cap check before a call.
SELECT COALESCE(SUM(cost_usd), 0) FROM instance_spend WHERE day = (now() AT TIME ZONE 'UTC')::date
