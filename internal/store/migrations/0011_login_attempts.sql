-- Failed logins are counted by the name typed and the address it came from, and by the address
-- alone: a stranger who types an account's name from elsewhere cannot lock its owner out, and an
-- unknown name is throttled like a known one (nothing tells which exist). username '*' is the
-- address's count over every name.
CREATE TABLE login_attempts (
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    failures INTEGER NOT NULL,
    last_at TEXT NOT NULL,
    PRIMARY KEY (username, address)
);
