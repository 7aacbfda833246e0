#pragma once
// The JSONL audit trail: one validated record per line in <data dir>/logs/autonomous_trades.jsonl.
//
// Guarantees (README.md here has the details):
// - Whole lines. Each record is serialised to one line and handed to the kernel with a single
//   write(2) on an O_APPEND descriptor, so a reader never sees two records interleaved, and a
//   process killed with SIGKILL leaves either the whole line or (in the rare case the kernel
//   stopped a large write part-way) a tail without its '\n', which open() repairs.
// - Durable before return. append() returns only after write(2) completed, i.e. the line is in
//   the kernel and survives the death of this process; with `fdatasync` (the default) it is
//   also on disk and survives a power cut. The caller sends its order only after append()
//   returned no error: no decision is executed unaudited.
// - Errors are values. A full disk (ENOSPC), a file-size limit (EFBIG), an unwritable file:
//   append() returns the Error and leaves the file ending on a whole line (a short write is cut
//   back with ftruncate). If that repair itself fails the writer refuses every further append
//   (writer_failed) until it is opened again, which repairs the file.
// - Daily rotation by the record's own timestamp, in the zone `utc_offset`: when a record's date
//   is later than the date of the active file's first record, the active file is renamed to
//   autonomous_trades-YYYY-MM-DD.jsonl (that earlier date; ".1", ".2", ... if taken) and a new
//   active file is started. Records whose date is earlier (a clock step back) stay in the
//   active file.
// - Recovery at open: a last line without its '\n', or a last line that is not JSON, is moved
//   to autonomous_trades.jsonl.torn (appended, one fragment per line) and cut from the file;
//   recovery() reports it.
//
// - One writer. open() takes an exclusive flock on the active file and fails with busy when
//   another writer (another daemon on the same data directory) holds it.
//
// Thread-safe (a mutex serialises append), but meant to be owned by the storage actor.
// The process must ignore SIGXFSZ (the daemon does), or a file-size limit kills it instead of
// making append() return file_too_large.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "store/errc.hpp"

namespace autotrader::store {

struct AuditWriterOptions {
  std::filesystem::path directory;              // audit_dir: <data dir>/logs, created if missing
  std::string base_name = "autonomous_trades";  // audit_file_name (without ".jsonl")
  std::chrono::minutes utc_offset{0};           // audit_rotation_utc_offset: east of UTC
  bool fdatasync = true;                        // audit_fdatasync: also wait for the disk
};

// What open() found and repaired.
struct AuditRecovery {
  bool repaired = false;
  std::uint64_t torn_bytes = 0;  // bytes cut from the end of the active file
  std::filesystem::path moved_to;
  std::string message;  // for the log, e.g. "cut a torn last line of 17 bytes ..."
};

class AuditWriter {
 public:
  static Expected<std::unique_ptr<AuditWriter>> open(AuditWriterOptions options);
  ~AuditWriter();
  AuditWriter(const AuditWriter&) = delete;
  AuditWriter& operator=(const AuditWriter&) = delete;

  // Validates the record (audit_record.hpp), rotates if its date requires, writes it as one
  // line and syncs as configured. Never throws.
  [[nodiscard]] Status append(const nlohmann::json& record);

  // Whether an append could be attempted now, without writing: the writer has not failed, its
  // descriptor is open for writing, the file is still linked, and its directory is writable
  // (a rotation creates a file there). Not a guarantee that the disk has room.
  [[nodiscard]] Status probe() const;
  const AuditRecovery& recovery() const { return recovery_; }
  std::filesystem::path active_path() const;
  std::uint64_t records_appended() const;  // by this writer, since open()
  std::uint64_t rotations() const;

 private:
  explicit AuditWriter(AuditWriterOptions options);
  Status open_active();
  Status recover();
  Status rotate(const std::string& new_date);
  Status write_line(const std::string& line);

  AuditWriterOptions options_;
  mutable std::mutex mutex_;
  int fd_ = -1;
  std::uint64_t size_ = 0;   // of the active file; we are its only writer
  std::string active_date_;  // date of the active file's first record; empty while it is empty
  bool failed_ = false;
  std::string failure_;
  AuditRecovery recovery_;
  std::uint64_t appended_ = 0;
  std::uint64_t rotations_ = 0;
};

}  // namespace autotrader::store
