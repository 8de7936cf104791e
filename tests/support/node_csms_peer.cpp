#include "support/node_csms_peer.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <utility>

extern char** environ;

namespace ocppfleet::testing {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr std::size_t kStderrTailBytes = 8 * 1024;
constexpr auto kReaderPoll = 100ms; // bounds how long a reader thread ignores stop_readers_

std::string errno_text(std::string_view what, int err) { return std::string(what) + ": " + std::strerror(err); }

// Serialise without throwing on invalid UTF-8 in user-supplied strings.
std::string dump_line(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

std::string event_name(const json& e) {
  if (!e.is_object()) return {};
  auto it = e.find("event");
  return (it != e.end() && it->is_string()) ? it->get<std::string>() : std::string{};
}

json parse_line(std::string_view line) {
  json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    // Keep it visible instead of dropping it: a stray console.log in the peer is a bug.
    return json{{"event", "non_json"}, {"raw", std::string(line)}};
  }
  return j;
}

void close_fd(int& fd) {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

struct Child {
  pid_t pid = -1;
  int stdin_fd = -1; // -1 when the child's stdin is /dev/null
  int stdout_fd = -1;
  int stderr_fd = -1;
};

// posix_spawnp("node", argv) with stdout/stderr on pipes and stdin either on a socketpair
// (interactive peer) or /dev/null. All our fds are CLOEXEC so concurrent spawns by other
// test threads cannot inherit them (an inherited write end would hide EOF from us).
Child spawn_node(const std::vector<std::string>& args, bool interactive_stdin) {
  int in_sv[2] = {-1, -1};
  int out_p[2] = {-1, -1};
  int err_p[2] = {-1, -1};
  auto cleanup = [&] {
    for (int* fd : {&in_sv[0], &in_sv[1], &out_p[0], &out_p[1], &err_p[0], &err_p[1]})
      close_fd(*fd);
  };
  if (interactive_stdin && ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_sv) != 0) {
    throw std::runtime_error(errno_text("socketpair", errno));
  }
  if (::pipe2(out_p, O_CLOEXEC) != 0 || ::pipe2(err_p, O_CLOEXEC) != 0) {
    const int err = errno;
    cleanup();
    throw std::runtime_error(errno_text("pipe2", err));
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (interactive_stdin) {
    posix_spawn_file_actions_adddup2(&actions, in_sv[1], STDIN_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&actions, out_p[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_p[1], STDERR_FILENO);

  // The test thread may block or ignore signals (asio signal_set, SIGPIPE ignored); node
  // must still react to SIGTERM/SIGINT normally.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  posix_spawnattr_setsigmask(&attr, &empty_mask);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (const auto& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    cleanup();
    throw std::runtime_error(errno_text("cannot spawn '" + args.front() + "' (is node on PATH?)", rc));
  }

  Child child;
  child.pid = pid;
  close_fd(in_sv[1]);
  close_fd(out_p[1]);
  close_fd(err_p[1]);
  child.stdin_fd = in_sv[0];
  child.stdout_fd = out_p[0];
  child.stderr_fd = err_p[0];
  return child;
}

// Reaps pid, waiting at most `grace`; SIGKILLs it afterwards. Returns the wait status.
int reap(pid_t pid, std::chrono::milliseconds grace) {
  int status = 0;
  const auto deadline = Clock::now() + grace;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return -1; // already reaped elsewhere; nothing to kill
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(10ms);
  }
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

std::filesystem::path script_path(const std::string& script) {
  auto path = peers_dir() / script;
  if (!std::filesystem::exists(path)) {
    throw std::runtime_error("test peer script not found: " + path.string() +
                             " (set OCPPFLEET_PEERS_DIR or run scripts/setup.sh)");
  }
  return path;
}

} // namespace

std::filesystem::path peers_dir() {
  if (const char* dir = std::getenv("OCPPFLEET_PEERS_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  if (const char* src = std::getenv("OCPPFLEET_SOURCE_DIR"); src != nullptr && *src != '\0') {
    return std::filesystem::path(src) / "tests" / "peers";
  }
  return std::filesystem::path(OCPPFLEET_DEFAULT_SOURCE_DIR) / "tests" / "peers";
}

json PeerOptions::to_json() const {
  json j = {
      {"protocols", protocols},
      {"boot_sequence", boot_sequence},
      {"heartbeat_interval", heartbeat_interval},
      {"boot_retry_interval", boot_retry_interval},
      {"invalid_id_tags", invalid_id_tags},
  };
  if (basic_auth_password) j["basic_auth_password"] = *basic_auth_password;
  if (!extra.is_null()) {
    if (!extra.is_object()) throw std::invalid_argument("PeerOptions::extra must be a JSON object");
    j.update(extra);
  }
  return j;
}

EventPredicate event_is(std::string event) {
  return [event = std::move(event)](const json& e) { return event_name(e) == event; };
}

EventPredicate event_is(std::string event, std::string identity) {
  return [event = std::move(event), identity = std::move(identity)](const json& e) {
    if (event_name(e) != event) return false;
    auto it = e.find("identity");
    return it != e.end() && it->is_string() && it->get<std::string>() == identity;
  };
}

EventPredicate call_event(std::string identity, std::string action) {
  return [identity = std::move(identity), action = std::move(action)](const json& e) {
    if (event_name(e) != "call") return false;
    auto id = e.find("identity");
    auto act = e.find("action");
    return id != e.end() && id->is_string() && id->get<std::string>() == identity && act != e.end() &&
           act->is_string() && act->get<std::string>() == action;
  };
}

std::unique_ptr<NodeCsmsPeer> NodeCsmsPeer::start(const PeerOptions& options, std::chrono::milliseconds timeout) {
  const auto script = script_path("csms.js");
  const Child child = spawn_node({"node", script.string(), options.to_json().dump()}, true);

  // Owning the child from here on means every throw below still kills and reaps it.
  std::unique_ptr<NodeCsmsPeer> peer(new NodeCsmsPeer());
  peer->pid_ = child.pid;
  peer->stdin_fd_ = child.stdin_fd;
  peer->stdout_fd_ = child.stdout_fd;
  peer->stderr_fd_ = child.stderr_fd;
  peer->stdout_thread_ = std::thread([p = peer.get()] { p->stdout_reader(); });
  peer->stderr_thread_ = std::thread([p = peer.get()] { p->stderr_reader(); });

  const auto ready = peer->wait_for_event(
      [](const json& e) {
        const auto name = event_name(e);
        return name == "listening" || name == "fatal";
      },
      timeout);
  if (!ready || event_name(*ready) != "listening") {
    std::string why = !ready ? (peer->exited() ? "exited before listening" : "no 'listening' event in time")
                             : "fatal: " + ready->value("error", std::string{});
    // Give stderr a moment so the hint is not empty when node died on startup.
    std::this_thread::sleep_for(100ms);
    throw std::runtime_error("csms peer failed to start (" + why + "); stderr: " + peer->stderr_tail());
  }
  const auto port = ready->value("port", 0);
  if (port <= 0 || port > 65535) {
    throw std::runtime_error("csms peer reported a bad port: " + ready->dump());
  }
  peer->port_ = static_cast<uint16_t>(port);
  return peer;
}

NodeCsmsPeer::~NodeCsmsPeer() { stop_child(); }

void NodeCsmsPeer::stop_child() {
  if (pid_ > 0) {
    if (stdin_fd_ >= 0) {
      try {
        write_line(dump_line(json{{"req", 0}, {"cmd", "shutdown"}}));
      } catch (const std::exception&) {
        // Peer already gone; reaping below is all that is left.
      }
      // EOF on stdin is the peer's second exit trigger, in case the command got lost.
      ::shutdown(stdin_fd_, SHUT_WR);
    }
    reap(pid_, 3s);
    pid_ = -1;
  }
  stop_readers_ = true;
  if (stdout_thread_.joinable()) stdout_thread_.join();
  if (stderr_thread_.joinable()) stderr_thread_.join();
  close_fd(stdin_fd_);
  close_fd(stdout_fd_);
  close_fd(stderr_fd_);
}

std::string NodeCsmsPeer::ws_url() const { return "ws://127.0.0.1:" + std::to_string(port_); }

void NodeCsmsPeer::push_event(json event) {
  {
    std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
  }
  cv_.notify_all();
}

void NodeCsmsPeer::stdout_reader() {
  std::string pending;
  char buf[64 * 1024];
  while (!stop_readers_) {
    pollfd pfd{stdout_fd_, POLLIN, 0};
    const int pr = ::poll(&pfd, 1, static_cast<int>(kReaderPoll.count()));
    if (pr < 0 && errno == EINTR) continue;
    if (pr == 0) continue;
    const ssize_t n = pr < 0 ? -1 : ::read(stdout_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
      std::string_view line(pending.data() + start, nl - start);
      if (!line.empty()) push_event(parse_line(line));
    }
    pending.erase(0, start);
  }
  if (!pending.empty()) push_event(parse_line(pending));
  {
    std::lock_guard lock(mutex_);
    eof_ = true;
  }
  cv_.notify_all();
}

void NodeCsmsPeer::stderr_reader() {
  char buf[8 * 1024];
  bool at_line_start = true;
  while (!stop_readers_) {
    pollfd pfd{stderr_fd_, POLLIN, 0};
    const int pr = ::poll(&pfd, 1, static_cast<int>(kReaderPoll.count()));
    if (pr < 0 && errno == EINTR) continue;
    if (pr == 0) continue;
    const ssize_t n = pr < 0 ? -1 : ::read(stderr_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    const std::string_view chunk(buf, static_cast<std::size_t>(n));
    // Pass through to the test's stderr, prefixed so it is clear who is talking.
    std::string out;
    for (char c : chunk) {
      if (at_line_start) out += "[csms-peer] ";
      out += c;
      at_line_start = (c == '\n');
    }
    [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, out.data(), out.size());
    std::lock_guard lock(mutex_);
    stderr_tail_.append(chunk);
    if (stderr_tail_.size() > kStderrTailBytes) {
      stderr_tail_.erase(0, stderr_tail_.size() - kStderrTailBytes);
    }
  }
}

void NodeCsmsPeer::write_line(const std::string& line) {
  std::lock_guard lock(write_mutex_);
  if (stdin_fd_ < 0) throw std::runtime_error("csms peer stdin is closed");
  std::size_t off = 0;
  while (off < line.size()) {
    const ssize_t n = ::send(stdin_fd_, line.data() + off, line.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(errno_text("writing to csms peer stdin", errno));
    }
    off += static_cast<std::size_t>(n);
  }
}

std::optional<json> NodeCsmsPeer::wait_for_event(const EventPredicate& pred, std::chrono::milliseconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  std::unique_lock lock(mutex_);
  std::size_t next = 0;
  for (;;) {
    for (; next < events_.size(); ++next) {
      if (pred(events_[next])) return events_[next];
    }
    if (eof_) return std::nullopt; // nothing more can arrive
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      for (; next < events_.size(); ++next) {
        if (pred(events_[next])) return events_[next];
      }
      return std::nullopt;
    }
  }
}

bool NodeCsmsPeer::wait_for_count(const EventPredicate& pred, std::size_t n, std::chrono::milliseconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  std::unique_lock lock(mutex_);
  std::size_t next = 0;
  std::size_t matched = 0;
  for (;;) {
    for (; next < events_.size(); ++next) {
      if (pred(events_[next])) ++matched;
    }
    if (matched >= n) return true;
    if (eof_) return false;
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      for (; next < events_.size(); ++next) {
        if (pred(events_[next])) ++matched;
      }
      return matched >= n;
    }
  }
}

std::size_t NodeCsmsPeer::count(const EventPredicate& pred) const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& e : events_) {
    if (pred(e)) ++n;
  }
  return n;
}

std::vector<json> NodeCsmsPeer::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

std::vector<json> NodeCsmsPeer::violations() const {
  const auto is_violation = event_is("strict_violation");
  std::lock_guard lock(mutex_);
  std::vector<json> out;
  for (const auto& e : events_) {
    if (is_violation(e)) out.push_back(e);
  }
  return out;
}

std::string NodeCsmsPeer::stderr_tail() const {
  std::lock_guard lock(mutex_);
  return stderr_tail_;
}

bool NodeCsmsPeer::exited() const {
  std::lock_guard lock(mutex_);
  return eof_;
}

json NodeCsmsPeer::command(json cmd, std::chrono::milliseconds timeout) {
  if (!cmd.is_object()) throw std::invalid_argument("csms peer command must be a JSON object");
  const int64_t req = next_req_++;
  cmd["req"] = req;
  write_line(dump_line(cmd));
  auto result = wait_for_event(
      [req](const json& e) {
        if (event_name(e) != "result") return false;
        auto it = e.find("req");
        return it != e.end() && it->is_number_integer() && it->get<int64_t>() == req;
      },
      timeout);
  if (!result) {
    throw std::runtime_error("csms peer did not answer command " + cmd.dump() +
                             (exited() ? " (peer exited)" : " in time") + "; stderr: " + stderr_tail());
  }
  return *result;
}

json NodeCsmsPeer::call(const std::string& identity, const std::string& action, const json& params,
                        std::chrono::milliseconds timeout) {
  // The peer enforces `timeout`; our wait gets a margin so we see its TimeoutError result.
  return command({{"cmd", "call"},
                  {"identity", identity},
                  {"action", action},
                  {"params", params},
                  {"timeout_ms", timeout.count()}},
                 timeout + 5s);
}

json NodeCsmsPeer::close_all(int code, bool terminate) {
  return command({{"cmd", "close_all"}, {"code", code}, {"terminate", terminate}});
}

json NodeCsmsPeer::close(const std::string& identity, int code, bool terminate) {
  return command({{"cmd", "close"}, {"identity", identity}, {"code", code}, {"terminate", terminate}});
}

json NodeCsmsPeer::send_raw(const std::string& identity, const std::string& data) {
  return command({{"cmd", "raw"}, {"identity", identity}, {"data", data}});
}

json NodeCsmsPeer::set_boot_sequence(const std::vector<std::string>& sequence) {
  return command({{"cmd", "set_boot_sequence"}, {"sequence", sequence}});
}

json NodeCsmsPeer::stats() {
  const json r = command({{"cmd", "stats"}});
  if (!r.value("ok", false)) throw std::runtime_error("csms peer stats failed: " + r.dump());
  return r.at("result");
}

NodeScriptResult run_node_script(const std::string& script, const json& args, std::chrono::milliseconds timeout) {
  const auto path = script_path(script);
  Child child = spawn_node({"node", path.string(), args.dump()}, false);

  NodeScriptResult result;
  std::string out;
  const auto deadline = Clock::now() + timeout;
  char buf[16 * 1024];
  while (child.stdout_fd >= 0 || child.stderr_fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left <= 0ms) {
      result.timed_out = true;
      break;
    }
    pollfd pfds[2] = {{child.stdout_fd, POLLIN, 0}, {child.stderr_fd, POLLIN, 0}};
    const int pr = ::poll(pfds, 2, static_cast<int>(left.count()));
    if (pr < 0 && errno == EINTR) continue;
    if (pr < 0) break;
    for (int i = 0; i < 2; ++i) {
      int& fd = i == 0 ? child.stdout_fd : child.stderr_fd;
      if (fd < 0 || pfds[i].revents == 0) continue;
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close_fd(fd);
        continue;
      }
      (i == 0 ? out : result.stderr_text).append(buf, static_cast<std::size_t>(n));
    }
  }
  close_fd(child.stdout_fd);
  close_fd(child.stderr_fd);
  if (result.timed_out) ::kill(child.pid, SIGKILL);
  const int status = reap(child.pid, 3s);
  result.exit_code = (status >= 0 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;

  std::size_t start = 0;
  while (start < out.size()) {
    std::size_t nl = out.find('\n', start);
    if (nl == std::string::npos) nl = out.size();
    const std::string_view line(out.data() + start, nl - start);
    if (!line.empty()) {
      json j = json::parse(line, nullptr, false);
      result.lines.push_back(j.is_discarded() ? json{{"raw", std::string(line)}} : std::move(j));
    }
    start = nl + 1;
  }
  return result;
}

} // namespace ocppfleet::testing
