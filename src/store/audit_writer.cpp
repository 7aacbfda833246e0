#include "store/audit_writer.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

#include "store/audit_record.hpp"
#include "store/timestamp.hpp"

namespace autotrader::store {
namespace {

// A line longer than this is not ours (records are a few KB); recovery treats it as damage.
constexpr std::uint64_t max_line_bytes = 16 * 1024 * 1024;

Error errno_error(const std::string& what, const std::filesystem::path& path, int error_number) {
  return make_error(errc_from_errno(error_number),
                    what + " " + path.string() + ": " + std::strerror(error_number));
}

int open_append(const std::filesystem::path& path) {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

bool pread_all(int fd, char* buffer, std::size_t count, std::uint64_t offset) {
  while (count > 0) {
    const ssize_t n = ::pread(fd, buffer, count, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer += n;
    count -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
  return true;
}

// Offset of the last '\n' in [0, end), or nullopt when there is none; false on a read error.
bool last_newline_before(int fd, std::uint64_t end, std::optional<std::uint64_t>& found) {
  std::vector<char> chunk(64 * 1024);
  found.reset();
  std::uint64_t pos = end;
  while (pos > 0) {
    const std::uint64_t n = std::min<std::uint64_t>(chunk.size(), pos);
    if (!pread_all(fd, chunk.data(), n, pos - n)) return false;
    for (std::uint64_t i = n; i > 0; --i) {
      if (chunk[i - 1] == '\n') {
        found = pos - n + i - 1;
        return true;
      }
    }
    pos -= n;
  }
  return true;
}

bool read_range(int fd, std::uint64_t begin, std::uint64_t end, std::string& out) {
  out.assign(end - begin, '\0');
  return out.empty() || pread_all(fd, out.data(), out.size(), begin);
}

bool is_json_line(const std::string& line) {
  return !line.empty() && nlohmann::json::accept(line);
}

}  // namespace

AuditWriter::AuditWriter(AuditWriterOptions options) : options_{std::move(options)} {}

AuditWriter::~AuditWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Expected<std::unique_ptr<AuditWriter>> AuditWriter::open(AuditWriterOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(options.directory, ec);
  if (ec) {
    return errno_error("audit: cannot create directory", options.directory, ec.value());
  }
  std::unique_ptr<AuditWriter> writer{new AuditWriter{std::move(options)}};
  if (auto error = writer->open_active()) return std::move(*error);
  if (auto error = writer->recover()) return std::move(*error);
  return writer;
}

std::filesystem::path AuditWriter::active_path() const {
  return options_.directory / (options_.base_name + ".jsonl");
}

std::uint64_t AuditWriter::records_appended() const {
  std::lock_guard lock{mutex_};
  return appended_;
}

std::uint64_t AuditWriter::rotations() const {
  std::lock_guard lock{mutex_};
  return rotations_;
}

Status AuditWriter::open_active() {
  const auto path = active_path();
  fd_ = open_append(path);
  if (fd_ < 0) return errno_error("audit: cannot open", path, errno);
  // One writer per file: the cut-back after a short write and the size we track assume nobody
  // else appends. The lock goes with the descriptor, so a killed writer never leaves it behind.
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error_number = errno;
    ::close(fd_);
    fd_ = -1;
    if (error_number == EWOULDBLOCK) {
      return make_error(errc::busy, "audit: " + path.string() +
                                        " is held by another writer (another daemon "
                                        "on the same data directory?)");
    }
    return errno_error("audit: cannot lock", path, error_number);
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return errno_error("audit: cannot stat", path, errno);
  size_ = static_cast<std::uint64_t>(st.st_size);
  active_date_.clear();
  return std::nullopt;
}

Status AuditWriter::recover() {
  const auto path = active_path();
  if (size_ == 0) return std::nullopt;
  std::optional<std::uint64_t> last_nl;
  if (!last_newline_before(fd_, size_, last_nl)) return errno_error("audit: read", path, errno);

  // The file must end on a whole JSON line. Our lines never contain a raw '\n' (JSON escapes
  // it), so a torn write is exactly a tail after the last '\n'. The last complete line is
  // checked as well, to catch damage such as a block of zeros after a power cut.
  std::uint64_t cut = size_;
  if (!last_nl || *last_nl + 1 != size_) {
    cut = last_nl ? *last_nl + 1 : 0;
  } else {
    std::optional<std::uint64_t> previous_nl;
    if (!last_newline_before(fd_, *last_nl, previous_nl)) {
      return errno_error("audit: read", path, errno);
    }
    const std::uint64_t begin = previous_nl ? *previous_nl + 1 : 0;
    std::string line;
    if (*last_nl - begin > max_line_bytes || !read_range(fd_, begin, *last_nl, line) ||
        !is_json_line(line)) {
      cut = begin;
    }
  }

  if (cut < size_) {
    std::string fragment;
    if (size_ - cut > max_line_bytes) {
      fragment = "(" + std::to_string(size_ - cut) + " bytes, too long to keep)";
    } else if (!read_range(fd_, cut, size_, fragment)) {
      return errno_error("audit: read", path, errno);
    }
    if (!fragment.empty() && fragment.back() == '\n') fragment.pop_back();
    fragment.push_back('\n');
    const std::filesystem::path torn = path.string() + ".torn";
    const int torn_fd = open_append(torn);
    if (torn_fd < 0) return errno_error("audit: cannot open", torn, errno);
    const ssize_t n = ::write(torn_fd, fragment.data(), fragment.size());
    const int write_errno = errno;
    const bool synced = ::fsync(torn_fd) == 0;
    ::close(torn_fd);
    if (n != static_cast<ssize_t>(fragment.size()) || !synced) {
      return errno_error("audit: cannot keep the torn line in", torn, n < 0 ? write_errno : EIO);
    }
    if (::ftruncate(fd_, static_cast<off_t>(cut)) != 0 || ::fsync(fd_) != 0) {
      return errno_error("audit: cannot cut the torn line of", path, errno);
    }
    recovery_.repaired = true;
    recovery_.torn_bytes = size_ - cut;
    recovery_.moved_to = torn;
    recovery_.message = "audit: cut a damaged last line of " + std::to_string(size_ - cut) +
                        " bytes from " + path.string() + " (kept in " + torn.string() + ")";
    size_ = cut;
  }

  // The active file's date is the date of its first record.
  if (size_ > 0) {
    std::string head;
    const std::uint64_t n = std::min<std::uint64_t>(size_, 64 * 1024);
    if (!read_range(fd_, 0, n, head)) return errno_error("audit: read", path, errno);
    const auto nl = head.find('\n');
    if (nl != std::string::npos) {
      const auto first = nlohmann::json::parse(head.substr(0, nl), nullptr, false);
      if (first.is_object() && first.contains("timestamp") && first["timestamp"].is_string()) {
        if (const auto at = parse_timestamp(first["timestamp"].get<std::string>())) {
          active_date_ = calendar_date(*at, options_.utc_offset);
        }
      }
    }
  }
  return std::nullopt;
}

Status AuditWriter::rotate(const std::string& new_date) {
  const auto active = active_path();
  std::filesystem::path target;
  for (int n = 0;; ++n) {
    target = options_.directory / (options_.base_name + "-" + active_date_ +
                                   (n == 0 ? "" : "." + std::to_string(n)) + ".jsonl");
    std::error_code ec;
    if (!std::filesystem::exists(target, ec) && !ec) break;
    if (ec) return errno_error("audit: cannot check", target, ec.value());
  }
  if (::rename(active.c_str(), target.c_str()) != 0) {
    return errno_error("audit: cannot rotate", active, errno);
  }
  // From here the old descriptor points at the rotated file: never write to it again.
  ::close(fd_);
  fd_ = -1;
  if (auto error = open_active()) {
    failed_ = true;
    failure_ = error->message;
    return error;
  }
  // Make the rename and the new file durable together.
  const int dir_fd = ::open(options_.directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  active_date_ = new_date;
  ++rotations_;
  return std::nullopt;
}

Status AuditWriter::write_line(const std::string& line) {
  const auto path = active_path();
  ssize_t n = -1;
  do {
    n = ::write(fd_, line.data(), line.size());
  } while (n < 0 && errno == EINTR);
  if (n == static_cast<ssize_t>(line.size())) return std::nullopt;

  int error_number = errno;
  if (n >= 0) {
    // A short write on a regular file means a limit was hit part-way (disk full, file size).
    // Try the rest once: it either completes the line or tells us why it cannot.
    ssize_t rest = -1;
    do {
      rest = ::write(fd_, line.data() + n, line.size() - static_cast<std::size_t>(n));
    } while (rest < 0 && errno == EINTR);
    if (rest >= 0 && n + rest == static_cast<ssize_t>(line.size())) return std::nullopt;
    error_number = rest < 0 ? errno : ENOSPC;
  }
  // Cut back to the last whole line so the file stays valid JSONL for the next attempt.
  if (::ftruncate(fd_, static_cast<off_t>(size_)) != 0) {
    failed_ = true;
    failure_ = "audit: a partial line could not be cut from " + path.string() + ": " +
               std::strerror(errno) + "; reopen to repair";
  }
  return errno_error("audit: append to", path, error_number);
}

Status AuditWriter::probe() const {
  std::lock_guard lock{mutex_};
  if (failed_ || fd_ < 0) {
    return make_error(errc::writer_failed, failure_.empty() ? "audit: writer is closed" : failure_);
  }
  const int flags = ::fcntl(fd_, F_GETFL);
  if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY) {
    return make_error(errc::io_error, "audit: the descriptor of " + active_path().string() +
                                          " is not open for writing");
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0 || st.st_nlink == 0) {
    return make_error(errc::cannot_open,
                      "audit: " + active_path().string() + " was removed while open");
  }
  if (::access(options_.directory.c_str(), W_OK) != 0) {
    const int error_number = errno;
    return make_error(
        errc_from_errno(error_number),
        "audit: directory " + options_.directory.string() + ": " + std::strerror(error_number));
  }
  return std::nullopt;
}

Status AuditWriter::append(const nlohmann::json& record) {
  auto at = validate_audit_record(record);
  if (!at) return at.error();
  std::string line;
  try {
    // Invalid UTF-8 in a provider's text must not lose the record: replace it (U+FFFD).
    line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const std::exception& e) {
    return make_error(errc::invalid_record, std::string{"audit record: "} + e.what());
  }
  line.push_back('\n');

  std::lock_guard lock{mutex_};
  if (failed_ || fd_ < 0) {
    return make_error(errc::writer_failed, failure_.empty() ? "audit: writer is closed" : failure_);
  }
  const std::string date = calendar_date(*at, options_.utc_offset);
  if (!active_date_.empty() && date > active_date_) {
    if (auto error = rotate(date)) return error;
  }
  if (auto error = write_line(line)) return error;
  size_ += line.size();
  if (active_date_.empty()) active_date_ = date;
  ++appended_;
  if (options_.fdatasync && ::fdatasync(fd_) != 0) {
    const int error_number = errno;
    // After a failed fdatasync the kernel may have dropped the dirty pages: nothing written
    // since can be trusted, so stop until reopened.
    failed_ = true;
    failure_ = "audit: fdatasync " + active_path().string() + ": " + std::strerror(error_number);
    return make_error(errc_from_errno(error_number), failure_);
  }
  return std::nullopt;
}

}  // namespace autotrader::store
