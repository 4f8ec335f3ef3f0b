-- The communes' grassroots justice work (internal/grassroots): dissemination events and the
-- year's plan, mediation teams and their cases, and the department's review of each commune's
-- year. Every row belongs to one commune (its office code); a commune sees only its own.
CREATE TABLE grassroots_events (
    id TEXT PRIMARY KEY,
    commune TEXT NOT NULL,
    day TEXT NOT NULL,
    topic TEXT NOT NULL,
    law TEXT NOT NULL,
    form TEXT NOT NULL,
    audience INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX grassroots_events_commune_day ON grassroots_events (commune, day);
CREATE INDEX grassroots_events_day ON grassroots_events (day);

CREATE TABLE grassroots_plans (
    commune TEXT NOT NULL,
    year INTEGER NOT NULL,
    events INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (commune, year)
);

-- One mediation team per village or residential group (Law on Grassroots Mediation 2013).
CREATE TABLE mediation_teams (
    id TEXT PRIMARY KEY,
    commune TEXT NOT NULL,
    village TEXT NOT NULL,
    village_folded FOLDED NOT NULL,
    members TEXT NOT NULL,
    mediators INTEGER NOT NULL,
    formed_on TEXT NOT NULL,
    dissolved_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
-- One team at a time per village: a dissolved one leaves room for the next.
CREATE UNIQUE INDEX mediation_teams_village ON mediation_teams (commune, village_folded) WHERE dissolved_on = '';

CREATE TABLE mediation_cases (
    id TEXT PRIMARY KEY,
    commune TEXT NOT NULL,
    team_id TEXT NOT NULL,
    parties TEXT NOT NULL,
    dispute TEXT NOT NULL,
    summary TEXT NOT NULL,
    received_on TEXT NOT NULL,
    result TEXT NOT NULL,
    ended_on TEXT NOT NULL,
    to_court BOOLEAN NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX mediation_cases_commune_received ON mediation_cases (commune, received_on);
CREATE INDEX mediation_cases_received ON mediation_cases (received_on);

-- A commune's year as the department reviews it: draft, submitted, accepted (final) or
-- returned with a note.
CREATE TABLE grassroots_reviews (
    commune TEXT NOT NULL,
    year INTEGER NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    submitted_at TEXT,
    submitted_by TEXT NOT NULL,
    reviewed_at TEXT,
    reviewed_by TEXT NOT NULL,
    PRIMARY KEY (commune, year)
);

-- A commune's assessment against the access-to-law standard of a year: its self-assessment
-- (scores and evidence per indicator, data), the department's review (its scores, reviewed),
-- and the result. standard is the version of the criteria it was scored on.
CREATE TABLE access_assessments (
    commune TEXT NOT NULL,
    year INTEGER NOT NULL,
    standard TEXT NOT NULL,
    data TEXT NOT NULL,
    self_total INTEGER NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    reviewed TEXT NOT NULL,
    reviewed_total INTEGER NOT NULL,
    met BOOLEAN NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    reviewed_at TEXT,
    reviewed_by TEXT NOT NULL,
    PRIMARY KEY (commune, year)
);

-- The follow-up of law enforcement and the handling of administrative violations: a commune's
-- figures per reporting period (half of a year) and field. explanation says why a figure moved
-- far from the previous period's.
CREATE TABLE enforcement_figures (
    commune TEXT NOT NULL,
    year INTEGER NOT NULL,
    half INTEGER NOT NULL,
    field TEXT NOT NULL,
    inspections INTEGER NOT NULL,
    violations INTEGER NOT NULL,
    sanctioned INTEGER NOT NULL,
    fines BIGINT NOT NULL,
    explanation TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (commune, year, half, field)
);
