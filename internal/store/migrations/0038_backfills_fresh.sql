-- A store that holds no marriage yet has no party to fill: every marriage stored from now on
-- indexes its parties as it is written (migration 0018). Marked done here, the first start of
-- a store loaded with millions of entries does not walk them all looking for unindexed parties
-- (minutes at ten million, before the server answered anything).
INSERT INTO backfills (name, done_at)
SELECT 'record_parties', CAST(CURRENT_TIMESTAMP AS TEXT)
WHERE NOT EXISTS (SELECT 1 FROM records WHERE kind = 'marriage')
ON CONFLICT (name) DO NOTHING;
