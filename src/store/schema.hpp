#pragma once
// The schema of autotrader.db as an ordered list of migrations. PRAGMA user_version holds the
// number of migrations applied; Store::open applies the missing ones in order, each in its own
// transaction together with its user_version bump, so a crash leaves the database at the
// previous version, never half-way. Never edit a released migration: append a new one.
#include <string>
#include <vector>

namespace autotrader::store {

struct Migration {
  int version;       // user_version after it ran: 1, 2, ...
  std::string name;  // for the log
  std::string sql;   // one or more statements
};

const std::vector<Migration>& migrations();
int latest_schema_version();

}  // namespace autotrader::store
