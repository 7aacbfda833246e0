#pragma once
// Errors of the store module (the SQLite database and the JSONL audit trail), as values: no
// function of this module throws past its API. The storage actor maps every one of them to a
// decision (usually: risk goes HALTED with the message), so each code says what the operator
// must fix rather than where in SQLite it went wrong.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "core/expected.hpp"

namespace autotrader::store {

enum class errc : std::uint8_t {
  disk_full = 1,     // ENOSPC, SQLITE_FULL (also max_page_count reached)
  file_too_large,    // EFBIG: the file hit RLIMIT_FSIZE or the file system's size limit
  read_only,         // EACCES/EROFS/EPERM, SQLITE_READONLY, an unwritable directory
  cannot_open,       // SQLITE_CANTOPEN; ENOENT/ENOTDIR/EISDIR: the path is not usable
  corrupt,           // SQLITE_CORRUPT / SQLITE_NOTADB: not a database, or a damaged one
  busy,              // SQLITE_BUSY / SQLITE_LOCKED after the busy timeout
  io_error,          // EIO, SQLITE_IOERR and any other system call failure
  duplicate,         // a UNIQUE key already present (e.g. the client order id)
  constraint,        // any other constraint (NOT NULL, CHECK, foreign key)
  schema_too_new,    // the database was written by a newer autotrader (user_version too high)
  migration_failed,  // a migration step failed; the database stays at the previous version
  invalid_record,    // an audit record or a row that does not have the documented shape
  writer_failed,     // the audit writer refuses to append after an unrepaired failure
  database_error,    // any other SQLite error
};

// A stable lower-case name for logs and metric labels, e.g. "disk_full".
const char* to_string(errc code);

struct Error {
  errc code = errc::io_error;
  std::string message;  // what and where, e.g. "audit append to /d/logs/x.jsonl: No space left"
};

inline Error make_error(errc code, std::string message) {
  return Error{code, std::move(message)};
}

// Success (nullopt) or what went wrong, for operations that return nothing else.
using Status = std::optional<Error>;

// A value or an Error (core/expected.hpp).
template <class T>
using Expected = core::Expected<T, Error>;

// The errc for an errno value of a failed write/open/fsync.
errc errc_from_errno(int error_number);

}  // namespace autotrader::store
