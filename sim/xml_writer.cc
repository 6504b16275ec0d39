#include "sim/xml_writer.h"

#include <sstream>

namespace cloudvip::sim {

XmlResponse::XmlResponse(std::string_view action, std::string_view request_id) {
  auto decl = m_doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  m_root = m_doc.append_child((std::string(action) + "Response").c_str());
  m_root.append_attribute("xmlns") = "http://ec2.amazonaws.com/doc/2016-11-15/";
  add_text(m_root, "requestId", request_id);
}

std::string XmlResponse::str() const {
  std::ostringstream out;
  m_doc.save(out, "", pugi::format_raw);
  return out.str();
}

pugi::xml_node add_text(pugi::xml_node parent, std::string_view name, std::string_view value) {
  pugi::xml_node node = parent.append_child(std::string(name).c_str());
  node.text().set(std::string(value).c_str());
  return node;
}

pugi::xml_node add_bool(pugi::xml_node parent, std::string_view name, bool value) {
  return add_text(parent, name, value ? "true" : "false");
}

void add_tag_set(pugi::xml_node parent, const Tags& tags) {
  pugi::xml_node set = parent.append_child("tagSet");
  for (const auto& [key, value] : tags) {
    pugi::xml_node item = set.append_child("item");
    add_text(item, "key", key);
    add_text(item, "value", value);
  }
}

std::string return_true_response(std::string_view action, std::string_view request_id) {
  XmlResponse response(action, request_id);
  add_bool(response.root(), "return", true);
  return response.str();
}

}  // namespace cloudvip::sim
