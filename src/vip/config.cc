#include "vip/config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "vip/config_values.h"

namespace cloudvip {

std::string_view to_string(VipMode mode) {
  return mode == VipMode::route ? "route" : "secondary-ip";
}

Result<Config> load_config_file(const std::filesystem::path& path) {
  std::error_code ec;
  bool exists = std::filesystem::exists(path, ec);
  if (!exists && !ec) {
    return fail(
        ErrorCode::config,
        path.string() +
            ": no such configuration file (create it, point --config FILE or CLOUDVIP_CONFIG at another "
            "file, or describe one VIP with flags alone: --address VIP --route-table rtb-...)");
  }
  if (exists && std::filesystem::is_directory(path, ec)) {
    return fail(ErrorCode::config, path.string() + ": is a directory (give the path of the TOML file, e.g. " +
                                       std::string(k_default_config_path) + ")");
  }
  std::ifstream in(path, std::ios::binary);
  std::string why = ec ? ec.message() : std::strerror(errno);
  std::ostringstream text;
  if (in.is_open()) {
    text << in.rdbuf();
  }
  if (!in.is_open() || in.bad()) {
    return fail(ErrorCode::config, path.string() + ": cannot be read: " + why +
                                       " (check the file's permissions and those of its folders)");
  }
  return parse_config(text.str(), path.string());
}

Result<std::vector<VipSpec>> select_vips(const Config& config, const std::optional<std::string>& name) {
  if (!name) {
    return config.vips;
  }
  for (const VipSpec& vip : config.vips) {
    if (vip.name == *name) {
      return std::vector<VipSpec>{vip};
    }
  }
  std::vector<std::string_view> known;
  for (const VipSpec& vip : config.vips) {
    known.push_back(vip.name);
  }
  return config_error("--vip", in_quotes(*name) + " is not a VIP of " + config.source +
                                   " (known: " + (known.empty() ? std::string("none") : join_names(known)) +
                                   "; leave --vip out to act on every VIP)");
}

}  // namespace cloudvip
