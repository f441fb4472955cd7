-- Four-eyes on stable identities. A principal's id never changes and is never reused; names are
-- for people. Each principal records who created it and who granted it the approver right, and
-- when (NULL: the system, i.e. the first start or the reset-admin command). A change request
-- records its requester's and decider's ids, so an approval compares people, not display names.
ALTER TABLE principals ADD COLUMN created_by BIGINT REFERENCES principals (id);
ALTER TABLE principals ADD COLUMN approver_granted_by BIGINT REFERENCES principals (id);
ALTER TABLE principals ADD COLUMN approver_granted_at TIMESTAMP WITH TIME ZONE;
UPDATE principals SET approver_granted_at = created_at WHERE approver = TRUE;

ALTER TABLE change_requests ADD COLUMN requester_id BIGINT REFERENCES principals (id);
ALTER TABLE change_requests ADD COLUMN decided_by_id BIGINT REFERENCES principals (id);
-- Requests made before this migration: the newest principal of that name that existed then.
UPDATE change_requests SET requester_id = (
  SELECT MAX(p.id) FROM principals p
  WHERE p.name = change_requests.requester AND p.created_at <= change_requests.created_at);

-- A pending request whose base revision is no longer its environment's head can never apply.
UPDATE change_requests SET status = 'SUPERSEDED', decided_at = CURRENT_TIMESTAMP
  WHERE status = 'PENDING'
    AND base_revision <> (SELECT e.head_revision FROM environments e WHERE e.name = change_requests.env);
