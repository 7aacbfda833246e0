#include "store/errc.hpp"

#include <cerrno>

namespace autotrader::store {

const char* to_string(errc code) {
  switch (code) {
    case errc::disk_full:
      return "disk_full";
    case errc::file_too_large:
      return "file_too_large";
    case errc::read_only:
      return "read_only";
    case errc::cannot_open:
      return "cannot_open";
    case errc::corrupt:
      return "corrupt";
    case errc::busy:
      return "busy";
    case errc::io_error:
      return "io_error";
    case errc::duplicate:
      return "duplicate";
    case errc::constraint:
      return "constraint";
    case errc::schema_too_new:
      return "schema_too_new";
    case errc::migration_failed:
      return "migration_failed";
    case errc::invalid_record:
      return "invalid_record";
    case errc::writer_failed:
      return "writer_failed";
    case errc::database_error:
      return "database_error";
  }
  return "unknown";
}

errc errc_from_errno(int error_number) {
  switch (error_number) {
    case ENOSPC:
    case EDQUOT:
      return errc::disk_full;
    case EFBIG:
      return errc::file_too_large;
    case EACCES:
    case EPERM:
    case EROFS:
      return errc::read_only;
    case ENOENT:
    case ENOTDIR:
    case EISDIR:
      return errc::cannot_open;
    default:
      return errc::io_error;
  }
}

}  // namespace autotrader::store
