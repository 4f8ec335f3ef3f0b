-- The department's work programme (chương trình công tác, internal/oversight): the year's
-- tasks with their responsible unit and deadline, their milestones, and the progress reported.
CREATE TABLE programme_tasks (
    id TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    unit TEXT NOT NULL,
    lead TEXT NOT NULL,
    due_on TEXT NOT NULL,
    progress INTEGER NOT NULL,
    done_on TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX programme_tasks_year ON programme_tasks (year, due_on);

CREATE TABLE programme_milestones (
    task_id TEXT NOT NULL REFERENCES programme_tasks (id),
    seq INTEGER NOT NULL,
    title TEXT NOT NULL,
    due_on TEXT NOT NULL,
    done_on TEXT NOT NULL,
    PRIMARY KEY (task_id, seq)
);

CREATE TABLE programme_reports (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL REFERENCES programme_tasks (id),
    reported_at TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    progress INTEGER NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX programme_reports_task ON programme_reports (task_id, reported_at);
