-- What the instance spent today (UTC day), for the spend-cap check before a call: one row by key.
SELECT COALESCE((SELECT cost_usd FROM instance_spend
                  WHERE instance = :'instance' AND day = (now() AT TIME ZONE 'UTC')::date), 0)
