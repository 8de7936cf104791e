#include "control-api/store/migrations.hpp"

#include <array>
#include <string>

namespace ocppfleet::store {

namespace {

// Migration 1: the control API's first schema. CHECK constraints pin the status vocabularies
// so a typo in a route or workflow fails loudly at the write, not later at a reader.
constexpr std::string_view k_v1 = R"sql(
CREATE TABLE organizations (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at TEXT
);

CREATE TABLE api_tokens (
  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) = 64),
  org_id     TEXT NOT NULL REFERENCES organizations(id),
  admin      INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
  label      TEXT,
  created_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_tokens_org ON api_tokens(org_id);

CREATE TABLE locations (
  id         TEXT PRIMARY KEY,
  org_id     TEXT NOT NULL,
  name       TEXT NOT NULL,
  address    TEXT,
  city       TEXT,
  country    TEXT,
  latitude   REAL CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
  longitude  REAL CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),
  created_at TEXT,
  updated_at TEXT
);
CREATE INDEX locations_org ON locations(org_id);

CREATE TABLE chargers (
  id                  TEXT PRIMARY KEY,
  org_id              TEXT NOT NULL,
  identity            TEXT NOT NULL,
  brand_slug          TEXT,
  model_slug          TEXT,
  connector_type      TEXT,
  ws_url              TEXT NOT NULL,
  ocpp_version        TEXT NOT NULL,
  charge_point_name   TEXT,
  location_id         TEXT,
  location_name       TEXT,
  basic_auth_password TEXT,
  status              TEXT NOT NULL CHECK (status IN ('PENDING', 'PROVISIONING', 'READY', 'FAILED')),
  runtime_state       TEXT NOT NULL DEFAULT 'stopped' CHECK (runtime_state IN ('running', 'stopped')),
  workflow_run_id     TEXT,
  error_json          TEXT,
  provisioned_at      TEXT,
  created_at          TEXT,
  updated_at          TEXT,
  deleted_at          TEXT
);
-- One live charger per identity and organisation; a soft-deleted one frees the identity.
CREATE UNIQUE INDEX chargers_org_identity_live ON chargers(org_id, identity) WHERE deleted_at IS NULL;
CREATE INDEX chargers_org_location ON chargers(org_id, location_id);
CREATE INDEX chargers_running ON chargers(runtime_state) WHERE runtime_state = 'running' AND deleted_at IS NULL;

CREATE TABLE workflow_runs (
  id              TEXT PRIMARY KEY,
  org_id          TEXT,
  kind            TEXT CHECK (kind IN ('charger_create', 'bulk_job')),
  subject_id      TEXT,
  status          TEXT CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED')),
  attempt         INTEGER,
  next_attempt_at TEXT,
  input_json      TEXT,
  created_at      TEXT,
  updated_at      TEXT
);
CREATE INDEX workflow_runs_unfinished ON workflow_runs(status) WHERE status IN ('PENDING', 'RUNNING');

CREATE TABLE workflow_steps (
  run_id      TEXT REFERENCES workflow_runs(id) ON DELETE CASCADE,
  name        TEXT,
  status      TEXT CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED')),
  attempt     INTEGER,
  output_json TEXT,
  error_json  TEXT,
  started_at  TEXT,
  finished_at TEXT,
  PRIMARY KEY (run_id, name)
);

CREATE TABLE bulk_jobs (
  id           TEXT PRIMARY KEY,
  org_id       TEXT,
  location_id  TEXT,
  status       TEXT CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED')),
  request_json TEXT,
  created_at   TEXT,
  updated_at   TEXT
);
CREATE INDEX bulk_jobs_unfinished ON bulk_jobs(status) WHERE status IN ('PENDING', 'RUNNING');

CREATE TABLE bulk_job_items (
  job_id     TEXT REFERENCES bulk_jobs(id) ON DELETE CASCADE,
  seq        INTEGER,
  identity   TEXT,
  charger_id TEXT,
  status     TEXT CHECK (status IN ('pending', 'created', 'failed')),
  error_json TEXT,
  PRIMARY KEY (job_id, seq)
);

CREATE TABLE charger_logs (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  charger_id TEXT NOT NULL,
  direction  TEXT CHECK (direction IN ('cp_to_csms', 'csms_to_cp')),
  action     TEXT,
  message    TEXT,
  timestamp  TEXT
);
CREATE INDEX charger_logs_by_time ON charger_logs(charger_id, timestamp, id);
)sql";

// Migration 2: simulated CPOs (docs/cpos.md). A CPO row carries its provisioning run (status,
// current step, error) and its generated network document; its locations and chargers are
// rows of their own tables that point back at it, so DELETE cascades by cpo_id.
constexpr std::string_view k_v2 = R"sql(
CREATE TABLE cpos (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id            TEXT NOT NULL,
  template          TEXT NOT NULL,
  template_version  INTEGER NOT NULL,
  seed              INTEGER NOT NULL,
  overrides_json    TEXT NOT NULL DEFAULT '{}',
  country_code      TEXT NOT NULL,
  party_id          TEXT NOT NULL,
  requested_party   TEXT NOT NULL,
  name_prefix       TEXT NOT NULL,
  role              TEXT NOT NULL DEFAULT 'CPO',
  ocpi_version      TEXT NOT NULL DEFAULT '2.2.1',
  token_a_hash      TEXT CHECK (token_a_hash IS NULL OR length(token_a_hash) = 64),
  status            TEXT NOT NULL CHECK (status IN ('PENDING', 'PROVISIONING', 'READY', 'FAILED')),
  workflow_run_id   TEXT NOT NULL,
  current_step      TEXT,
  attempt           INTEGER NOT NULL DEFAULT 0,
  chargers_total    INTEGER NOT NULL DEFAULT 0,
  chargers_ready    INTEGER NOT NULL DEFAULT 0,
  error_json        TEXT,
  document_json     TEXT,
  document_sha256   TEXT,
  locations_count   INTEGER NOT NULL DEFAULT 0,
  evses_count       INTEGER NOT NULL DEFAULT 0,
  connectors_count  INTEGER NOT NULL DEFAULT 0,
  expires_at        TEXT,
  provisioned_at    TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  deleted_at        TEXT
);
-- One live CPO per (country, party) and organisation: a collision mangles the party id.
CREATE UNIQUE INDEX cpos_org_party_live ON cpos(org_id, country_code, party_id) WHERE deleted_at IS NULL;
CREATE INDEX cpos_org ON cpos(org_id);
CREATE INDEX cpos_unfinished ON cpos(status) WHERE status IN ('PENDING', 'PROVISIONING') AND deleted_at IS NULL;
CREATE INDEX cpos_expiry ON cpos(expires_at) WHERE expires_at IS NOT NULL AND deleted_at IS NULL;

CREATE TABLE cpo_locations (
  cpo_id        INTEGER NOT NULL REFERENCES cpos(id) ON DELETE CASCADE,
  location_id   TEXT NOT NULL,
  org_id        TEXT NOT NULL,
  seq           INTEGER NOT NULL,
  name          TEXT NOT NULL,
  document_json TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  PRIMARY KEY (cpo_id, location_id)
);

ALTER TABLE chargers ADD COLUMN cpo_id INTEGER;
ALTER TABLE chargers ADD COLUMN cpo_location_id TEXT;
CREATE INDEX chargers_cpo ON chargers(cpo_id) WHERE cpo_id IS NOT NULL;
)sql";

// Locations added to a CPO after it was provisioned (POST /ocpi/cpos/{id}/locations): one
// durable job per request, resumed after a restart.
constexpr const char* k_v3 = R"sql(
CREATE TABLE cpo_location_jobs (
  id                TEXT PRIMARY KEY,
  cpo_id            INTEGER NOT NULL REFERENCES cpos(id) ON DELETE CASCADE,
  org_id            TEXT NOT NULL,
  status            TEXT NOT NULL,
  current_step      TEXT,
  first_number      INTEGER NOT NULL,
  locations_total   INTEGER NOT NULL,
  chargers_total    INTEGER NOT NULL DEFAULT 0,
  chargers_ready    INTEGER NOT NULL DEFAULT 0,
  request_json      TEXT NOT NULL,
  location_ids_json TEXT NOT NULL DEFAULT '[]',
  error_json        TEXT,
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  finished_at       TEXT
);
CREATE INDEX cpo_location_jobs_cpo ON cpo_location_jobs(cpo_id);
CREATE INDEX cpo_location_jobs_unfinished ON cpo_location_jobs(status) WHERE status IN ('PENDING', 'RUNNING');
)sql";

// OCPI 2.2.1 (ocpi/, docs/ocpi.md): the eMSP registered with each CPO by the credentials
// handshake. token_b is the eMSP's token, kept as given because we present it on every call
// to the eMSP; our own Token C is stored hashed.
constexpr const char* k_v4 = R"sql(
CREATE TABLE ocpi_peers (
  cpo_id         INTEGER PRIMARY KEY REFERENCES cpos(id) ON DELETE CASCADE,
  token_c_hash   TEXT NOT NULL UNIQUE,
  token_b        TEXT NOT NULL,
  versions_url   TEXT NOT NULL,
  version_url    TEXT NOT NULL,
  endpoints_json TEXT NOT NULL,
  roles_json     TEXT NOT NULL,
  registered_at  TEXT NOT NULL,
  updated_at     TEXT NOT NULL
);
ALTER TABLE cpos ADD COLUMN ocpi_token_encoding TEXT NOT NULL DEFAULT 'base64';
)sql";

// OCPI roaming state (docs/ocpi.md). Sessions and CDRs are materialised from the CPO's
// backend transactions (csms_transactions) so their ids are short and stable and a CDR, once
// made, never changes; the outbox holds every call we owe the eMSP (pushes, CommandResults)
// until it took it, across restarts.
constexpr const char* k_v5 = R"sql(
CREATE TABLE ocpi_tokens (
  cpo_id       INTEGER NOT NULL REFERENCES cpos(id) ON DELETE CASCADE,
  country_code TEXT NOT NULL,
  party_id     TEXT NOT NULL,
  uid          TEXT NOT NULL,
  type         TEXT NOT NULL,
  valid        INTEGER NOT NULL,
  whitelist    TEXT NOT NULL,
  token_json   TEXT NOT NULL,
  last_updated TEXT NOT NULL,
  PRIMARY KEY (cpo_id, country_code, party_id, uid, type)
);
CREATE INDEX ocpi_tokens_uid ON ocpi_tokens(cpo_id, uid);

CREATE TABLE ocpi_session_starts (
  id                      INTEGER PRIMARY KEY AUTOINCREMENT,
  cpo_id                  INTEGER NOT NULL REFERENCES cpos(id) ON DELETE CASCADE,
  identity                TEXT NOT NULL,
  evse_id                 INTEGER NOT NULL,
  token_uid               TEXT NOT NULL,
  token_json              TEXT NOT NULL,
  authorization_reference TEXT,
  created_at              TEXT NOT NULL
);
CREATE INDEX ocpi_session_starts_charger ON ocpi_session_starts(cpo_id, identity, evse_id);

CREATE TABLE ocpi_sessions (
  cpo_id                  INTEGER NOT NULL REFERENCES cpos(id) ON DELETE CASCADE,
  id                      INTEGER NOT NULL,
  identity                TEXT NOT NULL,
  transaction_id          TEXT NOT NULL,
  auth_method             TEXT NOT NULL,
  authorization_reference TEXT,
  cdr_token_json          TEXT NOT NULL,
  created_at              TEXT NOT NULL,
  PRIMARY KEY (cpo_id, id),
  UNIQUE (cpo_id, identity, transaction_id)
);

CREATE TABLE ocpi_cdrs (
  cpo_id       INTEGER NOT NULL REFERENCES cpos(id) ON DELETE CASCADE,
  id           TEXT NOT NULL,
  session_id   INTEGER NOT NULL,
  cdr_json     TEXT NOT NULL,
  last_updated TEXT NOT NULL,
  PRIMARY KEY (cpo_id, id),
  UNIQUE (cpo_id, session_id)
);
CREATE INDEX ocpi_cdrs_updated ON ocpi_cdrs(cpo_id, last_updated, id);

CREATE TABLE ocpi_outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  cpo_id          INTEGER NOT NULL REFERENCES cpos(id) ON DELETE CASCADE,
  kind            TEXT NOT NULL,
  coalesce_key    TEXT,
  method          TEXT NOT NULL,
  url             TEXT NOT NULL,
  body            TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX ocpi_outbox_coalesce ON ocpi_outbox(cpo_id, coalesce_key) WHERE coalesce_key IS NOT NULL;
CREATE INDEX ocpi_outbox_due ON ocpi_outbox(next_attempt_at, id);
)sql";

// OCPI Tariffs, Sessions and CDRs (docs/ocpi.md). The CPO's tariffs are copied once out of its
// network document (a national network's document is megabytes; a tariffs page must not parse
// it). A session keeps what it started under (the CdrLocation and the tariff: the CDR is made
// from them, as at the start), the backend transaction's updated_at it last saw (so a sync only
// touches what changed), its own last_updated (the time the sync saw the change, so an eMSP
// paging with date_from never misses one that reached the store late), a revision bumped on
// every change and the revision the roaming hooks were last given (0: never). A session start
// consumed by a session points at it.
constexpr const char* k_v6 = R"sql(
CREATE TABLE ocpi_tariffs (
  cpo_id       INTEGER NOT NULL REFERENCES cpos(id) ON DELETE CASCADE,
  id           TEXT NOT NULL,
  tariff_json  TEXT NOT NULL,
  last_updated TEXT NOT NULL,
  PRIMARY KEY (cpo_id, id)
);
CREATE INDEX ocpi_tariffs_updated ON ocpi_tariffs(cpo_id, last_updated, id);

ALTER TABLE ocpi_sessions ADD COLUMN context_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE ocpi_sessions ADD COLUMN tx_updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE ocpi_sessions ADD COLUMN last_updated TEXT NOT NULL DEFAULT '';
ALTER TABLE ocpi_sessions ADD COLUMN completed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ocpi_sessions ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE ocpi_sessions ADD COLUMN hooked_revision INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ocpi_sessions_updated ON ocpi_sessions(cpo_id, last_updated, id);
CREATE INDEX ocpi_sessions_open ON ocpi_sessions(cpo_id) WHERE completed = 0;
CREATE INDEX ocpi_sessions_unhooked ON ocpi_sessions(cpo_id, id) WHERE hooked_revision <> revision;

ALTER TABLE ocpi_cdrs ADD COLUMN hooked INTEGER NOT NULL DEFAULT 0;
CREATE INDEX ocpi_cdrs_unhooked ON ocpi_cdrs(cpo_id, session_id) WHERE hooked = 0;

ALTER TABLE ocpi_session_starts ADD COLUMN session_id INTEGER;
)sql";

// The authorization_reference of the eMSP's last real-time authorization of a token, for the
// Session that token starts (ocpi/session_auth.hpp).
constexpr const char* k_v7 = R"sql(
ALTER TABLE ocpi_tokens ADD COLUMN realtime_reference TEXT;
)sql";

constexpr std::array k_migrations{
    Migration{1, "control api schema", k_v1},
    Migration{2, "simulated CPOs", k_v2},
    Migration{3, "CPO location jobs", k_v3},
    Migration{4, "OCPI peers", k_v4},
    Migration{5, "OCPI roaming state", k_v5},
    Migration{6, "OCPI tariffs, sessions and CDRs", k_v6},
    Migration{7, "OCPI real-time authorization references", k_v7},
};

void ensure_version_table(Database& db) {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)");
}

} // namespace

std::span<const Migration> migrations() { return k_migrations; }

int latest_schema_version() { return k_migrations.back().version; }

int schema_version(Database& db) {
  ensure_version_table(db);
  auto st = db.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
  st.step();
  return static_cast<int>(st.column_int64(0));
}

void migrate(Database& db, int target) {
  const int latest = latest_schema_version();
  if (target < 0) target = latest;
  const int current = schema_version(db);
  if (current > latest)
    throw StoreError{"database '" + db.path() + "' has schema version " + std::to_string(current) +
                     ", newer than this ocppfleet supports (" + std::to_string(latest) +
                     "); upgrade ocppfleet or use another database file"};
  for (const auto& m : k_migrations) {
    if (m.version <= current || m.version > target) continue;
    Transaction tx{db};
    // Re-read under the write lock: another process may have migrated since we looked.
    if (schema_version(db) >= m.version) continue;
    try {
      db.exec(m.sql);
    } catch (const StoreError& e) {
      throw StoreError{"migration " + std::to_string(m.version) + " (" + std::string{m.name} + ") failed: " + e.what(),
                       e.code()};
    }
    db.prepare("INSERT INTO schema_migrations(version, applied_at) VALUES (?, ?)").bind_all(m.version, db.now()).run();
    tx.commit();
  }
}

} // namespace ocppfleet::store
