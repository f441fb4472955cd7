-- Whether a node whose pipeline for this environment does not compile passes telemetry through
-- untouched (fail open) instead of refusing it (fail closed, the default). Set per environment by
-- an admin, audited, and never allowed on a protected environment.
ALTER TABLE environments ADD COLUMN fail_open BOOLEAN DEFAULT FALSE NOT NULL;
