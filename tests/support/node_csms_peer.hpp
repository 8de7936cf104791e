#pragma once

// Test fixture that runs tests/peers/csms.js (ocpp-rpc RPCServer in strict mode) as a child
// process, so integration tests can point simulated chargers at a real, independently
// written CSMS that validates every frame against the official OCPP JSON schemas.
//
// Protocol with the child: options as one JSON argument, events as JSON lines on its
// stdout, commands as JSON lines on its stdin (see tests/peers/README.md).

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace ocppfleet::testing {

using namespace std::chrono_literals;

// Directory holding csms.js and node_modules: $OCPPFLEET_PEERS_DIR, else
// $OCPPFLEET_SOURCE_DIR/tests/peers, else the source tree this library was built from
// (so a test binary run by hand, outside CTest, still finds it).
std::filesystem::path peers_dir();

struct PeerOptions {
  std::vector<std::string> protocols{"ocpp1.6"};
  std::vector<std::string> boot_sequence{"Accepted"};
  int heartbeat_interval = 300;
  int boot_retry_interval = 1;
  std::optional<std::string> basic_auth_password;
  std::vector<std::string> invalid_id_tags;
  // Merged last (overrides the fields above): e.g. {"log_messages": true}, {"port": 9000}.
  nlohmann::json extra = nlohmann::json::object();

  nlohmann::json to_json() const;
};

using EventPredicate = std::function<bool(const nlohmann::json&)>;

// Predicate helpers: event_is("connected"), event_is("call", "CP1").
EventPredicate event_is(std::string event);
EventPredicate event_is(std::string event, std::string identity);
// A "call" event for this identity and action.
EventPredicate call_event(std::string identity, std::string action);

class NodeCsmsPeer {
public:
  // Spawns the peer and waits for its "listening" event. Throws std::runtime_error (with
  // the tail of the peer's stderr) when node is missing, the script fails, or it is late.
  static std::unique_ptr<NodeCsmsPeer> start(const PeerOptions& options, std::chrono::milliseconds timeout = 15s);

  NodeCsmsPeer(const NodeCsmsPeer&) = delete;
  NodeCsmsPeer& operator=(const NodeCsmsPeer&) = delete;
  // Sends "shutdown", closes stdin, waits up to 3 s, then SIGKILLs; always reaps the child.
  ~NodeCsmsPeer();

  uint16_t port() const { return port_; }
  std::string ws_url() const; // "ws://127.0.0.1:<port>"; the charger appends "/<identity>"
  pid_t pid() const { return pid_; }

  // First event (past or future) matching pred, or nullopt after timeout or once the
  // peer's stdout has closed with no match. Predicates run under the event lock: they must
  // not call back into this object. All members are safe to call from several threads.
  std::optional<nlohmann::json> wait_for_event(const EventPredicate& pred, std::chrono::milliseconds timeout) const;
  // True once at least n events match pred (counting past events).
  bool wait_for_count(const EventPredicate& pred, std::size_t n, std::chrono::milliseconds timeout) const;
  std::size_t count(const EventPredicate& pred) const;
  std::vector<nlohmann::json> events() const;
  std::vector<nlohmann::json> violations() const; // all "strict_violation" events
  std::string stderr_tail() const;                // last few KiB the peer wrote to stderr
  bool exited() const;                            // the peer's stdout reached EOF

  // Assigns "req", sends the command and returns the whole matching "result" event
  // ({"event":"result","req":N,"ok":bool,"result"|"error":...}). Throws on timeout.
  nlohmann::json command(nlohmann::json cmd, std::chrono::milliseconds timeout = 10s);

  // CSMS -> charger CALL; the peer waits `timeout` for the answer. Returns the result event:
  // ok=true with "result" = CALLRESULT payload, or ok=false with "error" {code, message}.
  nlohmann::json call(const std::string& identity, const std::string& action, const nlohmann::json& params,
                      std::chrono::milliseconds timeout = 10s);
  nlohmann::json close_all(int code = 1000, bool terminate = false);
  nlohmann::json close(const std::string& identity, int code = 1000, bool terminate = false);
  nlohmann::json send_raw(const std::string& identity, const std::string& data);
  nlohmann::json set_boot_sequence(const std::vector<std::string>& sequence);
  nlohmann::json stats(); // the "result" member of the stats command

private:
  NodeCsmsPeer() = default;

  void stdout_reader();
  void stderr_reader();
  void push_event(nlohmann::json event);
  void write_line(const std::string& line);
  void stop_child();

  pid_t pid_ = -1;
  uint16_t port_ = 0;
  int stdin_fd_ = -1; // our end of a socketpair: send(MSG_NOSIGNAL) cannot raise SIGPIPE
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;

  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  std::vector<nlohmann::json> events_;
  std::string stderr_tail_;
  bool eof_ = false;

  std::mutex write_mutex_;
  std::atomic<int64_t> next_req_{1};
  std::atomic<bool> stop_readers_{false};
  std::thread stdout_thread_;
  std::thread stderr_thread_;
};

// Runs `node <peers_dir>/<script> '<args json>'` to completion (used for small scripted
// clients such as test_client.js). Kills it after `timeout`.
struct NodeScriptResult {
  int exit_code = -1; // -1 when killed on timeout or by a signal
  bool timed_out = false;
  std::vector<nlohmann::json> lines; // stdout JSON lines; other lines as {"raw": text}
  std::string stderr_text;
};
NodeScriptResult run_node_script(const std::string& script, const nlohmann::json& args,
                                 std::chrono::milliseconds timeout = 20s);

} // namespace ocppfleet::testing
