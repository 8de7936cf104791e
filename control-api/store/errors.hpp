#pragma once
// Errors of the store. Exceptions (not result types) because every store call runs inside
// Store::submit, whose future carries them to the caller; nothing here runs on a shard thread.
#include <stdexcept>
#include <string>

namespace ocppfleet::store {

class StoreError : public std::runtime_error {
public:
  // `code` is SQLite's extended result code (0 when the error is not SQLite's).
  explicit StoreError(const std::string& what, int code = 0) : std::runtime_error(what), code_(code) {}
  [[nodiscard]] int code() const noexcept { return code_; }
  // SQLITE_CONSTRAINT (19) in the low byte: UNIQUE, PRIMARY KEY, CHECK, FOREIGN KEY, NOT NULL.
  [[nodiscard]] bool is_constraint() const noexcept { return (code_ & 0xff) == 19; }

private:
  int code_;
};

// The store's queue is full (or the store is closing): an HTTP route answers 503.
class StoreBusy : public StoreError {
public:
  using StoreError::StoreError;
};

// A live (not soft-deleted) charger of the same organisation already has this identity.
class DuplicateIdentity : public StoreError {
public:
  using StoreError::StoreError;
};

} // namespace ocppfleet::store
