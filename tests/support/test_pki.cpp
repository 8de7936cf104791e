#include "support/test_pki.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <thread>

extern char** environ;

namespace ocppfleet::testing {
namespace {

namespace fs = std::filesystem;

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out{path, std::ios::trunc};
  out << text;
  if (!out.flush()) throw std::runtime_error("test PKI: cannot write '" + path + "'");
}

std::string read_tail(const std::string& path, std::size_t max = 2000) {
  std::ifstream in{path};
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  return text.size() > max ? "..." + text.substr(text.size() - max) : text;
}

// `-subj` treats '/' as an RDN separator and '+' as a multi-valued RDN; a backslash
// makes any character literal.
std::string subject_cn(const std::string& cn) {
  std::string out = "/CN=";
  for (char c : cn) {
    if (c == '/' || c == '+' || c == '\\' || c == '=' || c == ',') out += '\\';
    out += c;
  }
  return out;
}

std::string joined(const std::vector<std::string>& args) {
  std::string out = "openssl";
  for (const auto& a : args)
    out += " " + a;
  return out;
}

} // namespace

TestPki::TestPki(std::string client_identity, std::chrono::milliseconds command_timeout)
    : client_identity_(std::move(client_identity)), timeout_(command_timeout) {
  std::string tmpl = (fs::temp_directory_path() / "ocppfleet-pki-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr)
    throw std::runtime_error(std::string{"test PKI: mkdtemp failed: "} + std::strerror(errno));
  dir_ = tmpl;
  try {
    config_ = file("openssl.cnf");
    write_file(config_, "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n");

    make_ca("ocppfleet test CA", ca_cert = file("ca.pem"), ca_key = file("ca.key"));
    make_ca("ocppfleet unrelated CA", wrong_ca_cert = file("wrong_ca.pem"), wrong_ca_key = file("wrong_ca.key"));
    make_leaf("localhost", "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n", ca_cert, ca_key,
              server_cert = file("server.pem"), server_key = file("server.key"));
    make_leaf("wrong.example", "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:wrong.example\n", ca_cert, ca_key,
              wrong_name_cert = file("wrong_name.pem"), wrong_name_key = file("wrong_name.key"));
    make_leaf(client_identity_, "extendedKeyUsage=clientAuth\n", ca_cert, ca_key, client_cert = file("client.pem"),
              client_key = file("client.key"));
    make_leaf(client_identity_, "extendedKeyUsage=clientAuth\n", wrong_ca_cert, wrong_ca_key,
              wrong_ca_client_cert = file("wrong_ca_client.pem"), wrong_ca_client_key = file("wrong_ca_client.key"));
    openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-out",
             mismatched_client_key = file("mismatched_client.key")});
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    throw;
  }
}

TestPki::~TestPki() {
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::pair<std::string, std::string> TestPki::issue_client(const std::string& identity, const fs::path& out_dir) {
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw std::runtime_error("test PKI: cannot create '" + out_dir.string() + "': " + ec.message());
  const std::string cert = (out_dir / (identity + ".pem")).string();
  const std::string key = (out_dir / (identity + ".key")).string();
  make_leaf(identity, "extendedKeyUsage=clientAuth\n", ca_cert, ca_key, cert, key);
  return {cert, key};
}

void TestPki::make_ca(const std::string& cn, const std::string& cert, const std::string& key) {
  openssl({"req",
           "-config",
           config_,
           "-x509",
           "-new",
           "-newkey",
           "ec",
           "-pkeyopt",
           "ec_paramgen_curve:prime256v1",
           "-nodes",
           "-keyout",
           key,
           "-out",
           cert,
           "-days",
           "2",
           "-sha256",
           "-subj",
           subject_cn(cn),
           "-addext",
           "basicConstraints=critical,CA:TRUE",
           "-addext",
           "keyUsage=critical,keyCertSign,cRLSign",
           "-addext",
           "subjectKeyIdentifier=hash"});
}

void TestPki::make_leaf(const std::string& cn, const std::string& ext, const std::string& ca,
                        const std::string& ca_key_file, const std::string& cert, const std::string& key) {
  const std::string scratch = file("leaf" + std::to_string(next_scratch_++));
  write_file(scratch + ".ext", "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
                               "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n" +
                                   ext);
  openssl({"req", "-config", config_, "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
           "-keyout", key, "-out", scratch + ".csr", "-subj", subject_cn(cn)});
  openssl({"x509", "-req", "-in", scratch + ".csr", "-CA", ca, "-CAkey", ca_key_file, "-set_serial",
           std::to_string(next_serial_++), "-days", "2", "-sha256", "-extfile", scratch + ".ext", "-out", cert});
}

// posix_spawnp with output to a log file, polled to a deadline: a wedged openssl (say,
// waiting on a terminal for a pass phrase) must fail the test, not hang it.
void TestPki::openssl(const std::vector<std::string>& args) {
  const std::string log = file("openssl.log");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);

  std::vector<char*> argv;
  std::string name = "openssl";
  argv.push_back(name.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy)
    argv.push_back(a.data());
  argv.push_back(nullptr);

  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, "openssl", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    throw std::runtime_error("test PKI: cannot run openssl (is it installed? scripts/setup.sh installs it): " +
                             std::string{std::strerror(rc)});

  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR)
      throw std::runtime_error(std::string{"test PKI: waitpid failed: "} + std::strerror(errno));
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      throw std::runtime_error("test PKI: '" + joined(args) + "' took longer than " + std::to_string(timeout_.count()) +
                               " ms; output: " + read_tail(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{2});
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    const std::string how = WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                              : "signal " + std::to_string(WTERMSIG(status));
    throw std::runtime_error("test PKI: '" + joined(args) + "' failed (" + how + "): " + read_tail(log));
  }
}

} // namespace ocppfleet::testing
