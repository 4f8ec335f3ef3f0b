-- The text the correspondence registers search besides their summaries: the text of an
-- attached PDF (by its content's hash, as the files are kept) and an outgoing letter's body,
-- both folded (no marks, lower case).
CREATE TABLE file_texts (
    file_hash TEXT PRIMARY KEY,
    folded FOLDED NOT NULL
);

ALTER TABLE outgoing_documents ADD COLUMN body_folded FOLDED NOT NULL DEFAULT '';

