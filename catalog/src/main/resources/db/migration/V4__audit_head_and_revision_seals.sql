-- Keyed integrity for what the hash chain alone did not cover (computed by the catalog, which
-- holds the audit key; the key never lives in the database).
--
-- audit_chain.head_seal: HMAC (audit key) over the head's last event id and hash. Deleting the
-- newest events and moving the head back needs a new seal, which only the key holder can make.
--
-- pipeline_revisions.seal: HMAC (audit key) over a revision's stored content (environment,
-- number, stages with their encrypted secrets, author, reason, time, rollback and change request
-- links). A node refuses a revision whose seal does not match. Each seal is also recorded in the
-- audit event that wrote the revision.
--
-- Both start NULL: on the first start after this migration the catalog seals the existing head
-- and revisions once and records that as an audit.migrated event.
ALTER TABLE audit_chain ADD COLUMN head_seal VARCHAR(64);
ALTER TABLE pipeline_revisions ADD COLUMN seal VARCHAR(64);
