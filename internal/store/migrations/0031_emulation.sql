-- Emulation (internal/oversight): the department's points of the entered criteria for each
-- commune's year, with the evidence; the computed ones are computed when read.
CREATE TABLE emulation_points (
    commune TEXT NOT NULL,
    year INTEGER NOT NULL,
    criterion TEXT NOT NULL,
    points DOUBLE PRECISION NOT NULL,
    evidence TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    PRIMARY KEY (commune, year, criterion)
);
