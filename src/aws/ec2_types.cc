#include "aws/ec2_types.h"

#include <algorithm>

namespace cloudvip {

std::optional<std::string> find_tag(const Tags& tags, std::string_view key) {
  for (const Tag& tag : tags) {
    if (tag.key == key) {
      return tag.value;
    }
  }
  return std::nullopt;
}

std::vector<std::string> Vpc::cidr_blocks() const {
  std::vector<std::string> out;
  auto add = [&out](const std::string& cidr) {
    if (!cidr.empty() && std::find(out.begin(), out.end(), cidr) == out.end()) {
      out.push_back(cidr);
    }
  };
  add(cidr_block);
  for (const VpcCidrBlockAssociation& association : cidr_block_associations) {
    if (association.state.empty() || association.state == "associated") {
      add(association.cidr_block);
    }
  }
  return out;
}

}  // namespace cloudvip
