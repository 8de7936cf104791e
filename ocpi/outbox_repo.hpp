#pragma once
// The calls a CPO owes its eMSP (table ocpi_outbox): pushes of Locations, Sessions and CDRs
// and the CommandResults of commands. A row stays until the eMSP took it, across restarts of
// `serve`, so a CDR is never lost. Per CPO and kind the rows go out oldest first: a row that
// keeps failing holds back the later rows of its kind (a Session PATCH must not overtake its
// PUT), not those of other kinds; CommandResults go before everything else.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "control-api/store/database.hpp"

namespace ocppfleet::ocpi {

struct OutboxItem {
  std::int64_t id = 0;
  std::int64_t cpo_id = 0;
  std::string kind; // "location", "session", "cdr", "command_result"
  // A newer item with the same key replaces an unsent one (its body and URL), keeping its
  // place in the queue: an EVSE's status PATCHes collapse to the latest while the eMSP is down.
  std::optional<std::string> coalesce_key;
  std::string method, url, body;
  std::int64_t attempts = 0;
};

// Adds the item (due now), or refreshes the unsent one with the same coalesce key.
void enqueue_outbox(store::Database& db, const OutboxItem& item);

// An item ready to go, with the credentials to present (none when the eMSP unregistered).
struct DueItem {
  OutboxItem item;
  std::optional<std::string> token_b;
  bool base64 = true;
};
// Items of every (CPO, kind) whose oldest row is due at `now`: CommandResults first, then per
// CPO and kind oldest first; at most `limit`.
std::vector<DueItem> due_outbox(store::Database& db, const std::string& now, std::size_t limit);

// Sent and taken: removed, unless it was refreshed (coalesced) while in flight, in which case
// the newer body is due at once.
void outbox_delivered(store::Database& db, const OutboxItem& sent);
// Not taken: tried again at `next_attempt_at`.
void outbox_retry_later(store::Database& db, std::int64_t id, const std::string& next_attempt_at,
                        const std::string& error);
void outbox_drop(store::Database& db, std::int64_t id);

// The eMSP unregistered: what was owed to it goes, except CDRs (never lost: they wait for the
// next registration and then go with its token).
void outbox_forget_peer(store::Database& db, std::int64_t cpo_id);

// The earliest next_attempt_at of any CPO's oldest row, if any row is waiting.
std::optional<std::string> outbox_next_due(store::Database& db);
// Rows waiting for one CPO (all kinds), and of one kind.
std::int64_t outbox_pending(store::Database& db, std::int64_t cpo_id, const std::string& kind = {});

} // namespace ocppfleet::ocpi
