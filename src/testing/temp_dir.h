// A fresh directory for a test's files (mkdtemp under $TMPDIR or /tmp), removed with its contents when the
// object goes away.
#pragma once

#include <string>

namespace cloudvip::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return m_path; }
  // Writes `content` to path()/name (creating parent folders) and returns the file's full path.
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string m_path;
};

}  // namespace cloudvip::testing
