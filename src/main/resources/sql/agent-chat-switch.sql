-- The customer's keyword applied to the contact's switch, in one statement, and the switch read back
-- (agent/ChatKeywords). opt_out: silenced from now (the first opt-out's time is kept); start: on
-- again and started. Any other message changes nothing. was_opted_out: before this message.
WITH before AS (
    SELECT opted_out_at, started_at
      FROM chat_switches
     WHERE instance = :'instance' AND chat = :'chat'
), applied AS (
    INSERT INTO chat_switches AS s (instance, chat, opted_out_at, started_at, changed_by)
    SELECT CAST(:'instance' AS text), CAST(:'chat' AS text),
           CASE WHEN CAST(:'keyword' AS text) = 'opt_out' THEN now() END,
           CASE WHEN CAST(:'keyword' AS text) = 'start' THEN now() END, 'customer'
     WHERE CAST(:'keyword' AS text) IN ('opt_out', 'start')
    ON CONFLICT (instance, chat) DO UPDATE
        SET opted_out_at = CASE WHEN EXCLUDED.opted_out_at IS NULL THEN NULL
                                ELSE COALESCE(s.opted_out_at, EXCLUDED.opted_out_at) END,
            started_at   = COALESCE(s.started_at, EXCLUDED.started_at),
            changed_by   = 'customer', updated_at = now()
    RETURNING opted_out_at, started_at
)
SELECT EXISTS (SELECT 1 FROM before WHERE opted_out_at IS NOT NULL) AS was_opted_out,
       CASE WHEN EXISTS (SELECT 1 FROM applied) THEN EXISTS (SELECT 1 FROM applied WHERE opted_out_at IS NOT NULL)
            ELSE EXISTS (SELECT 1 FROM before WHERE opted_out_at IS NOT NULL) END AS opted_out,
       CASE WHEN EXISTS (SELECT 1 FROM applied) THEN EXISTS (SELECT 1 FROM applied WHERE started_at IS NOT NULL)
            ELSE EXISTS (SELECT 1 FROM before WHERE started_at IS NOT NULL) END AS started
