#include "net/router.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace autotrader::net {

void Router::add(std::string method, std::string path, Handler handler) {
  std::transform(method.begin(), method.end(), method.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  routes_[std::move(path)][std::move(method)] = std::move(handler);
}

RouteMatch Router::match(std::string_view method, const std::string& path) const {
  RouteMatch result;
  const auto by_path = routes_.find(path);
  if (by_path == routes_.end()) return result;
  const auto& methods = by_path->second;
  result.route = path;

  auto found = methods.find(std::string{method});
  if (found == methods.end() && method == "HEAD") found = methods.find("GET");
  if (found != methods.end()) {
    result.kind = RouteMatch::Kind::found;
    result.handler = &found->second;
    return result;
  }

  result.kind = RouteMatch::Kind::method_not_allowed;
  std::set<std::string> allowed;
  for (const auto& entry : methods) allowed.insert(entry.first);
  if (allowed.count("GET") != 0) allowed.insert("HEAD");
  for (const auto& name : allowed) {
    if (!result.allow.empty()) result.allow += ", ";
    result.allow += name;
  }
  return result;
}

std::vector<std::string> Router::paths() const {
  std::vector<std::string> out;
  out.reserve(routes_.size());
  for (const auto& entry : routes_) out.push_back(entry.first);
  return out;
}

}  // namespace autotrader::net
