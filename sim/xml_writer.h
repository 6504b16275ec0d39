// Building EC2 success responses: <XxxResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
// <requestId>...</requestId>...</XxxResponse>, with lists as <xxxSet><item>...</item></xxxSet>.
#pragma once

#include <pugixml.hpp>

#include <string>
#include <string_view>

#include "sim/scenario.h"

namespace cloudvip::sim {

class XmlResponse {
 public:
  XmlResponse(std::string_view action, std::string_view request_id);
  pugi::xml_node root() { return m_root; }
  std::string str() const;

 private:
  pugi::xml_document m_doc;
  pugi::xml_node m_root;
};

// <name>value</name> under `parent`; returns the new element.
pugi::xml_node add_text(pugi::xml_node parent, std::string_view name, std::string_view value);
pugi::xml_node add_bool(pugi::xml_node parent, std::string_view name, bool value);
// <tagSet><item><key/><value/></item>...</tagSet>
void add_tag_set(pugi::xml_node parent, const Tags& tags);
// "<requestId/><return>true</return>" responses of actions with no output shape.
std::string return_true_response(std::string_view action, std::string_view request_id);

}  // namespace cloudvip::sim
