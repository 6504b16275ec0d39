#include "vip/cache_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/strings.h"

namespace cloudvip {

namespace {

FileStamp stamp_from(const struct stat& st) {
  return FileStamp{.device = st.st_dev, .inode = st.st_ino, .size = st.st_size, .modified = st.st_mtim};
}

}  // namespace

bool FileStamp::operator==(const FileStamp& other) const {
  return device == other.device && inode == other.inode && size == other.size &&
         modified.tv_sec == other.modified.tv_sec && modified.tv_nsec == other.modified.tv_nsec;
}

std::optional<FileStamp> stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return stamp_from(st);
}

std::optional<std::string> read_small_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return std::nullopt;
  }
  std::string out;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) {
      break;
    }
    out.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Result<FileStamp> write_file_atomically(const std::string& path, const std::string& content) {
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    return fail(ErrorCode::unavailable, "cannot create " + temp + ": " + std::strerror(errno));
  }
  ::fchmod(fd, 0644);  // the umask may have taken bits away
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      int saved = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      return fail(ErrorCode::unavailable, "cannot write " + temp + ": " + std::strerror(saved));
    }
    written += static_cast<size_t>(n);
  }
  struct stat st {};
  bool stamped = ::fstat(fd, &st) == 0;  // before the rename, so it is surely this file's
  if (::close(fd) != 0 || ::rename(temp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(temp.c_str());
    return fail(ErrorCode::unavailable, "cannot replace " + path + ": " + std::strerror(saved));
  }
  return stamped ? stamp_from(st) : FileStamp{};
}

void ensure_cache_directory(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::create_directories(directory, ec)) {
    fs::permissions(directory, fs::perms(0755), ec);
  }
}

std::optional<std::string> read_boot_id(const std::string& boot_id_path) {
  std::optional<std::string> text = read_small_file(boot_id_path);
  std::string id = text ? std::string(trim(*text)) : "";
  if (id.empty()) {
    return std::nullopt;
  }
  return id;
}

std::string file_safe(const std::string& key) {
  std::string out;
  for (char c : key) {
    out += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '-';
  }
  return out;
}

}  // namespace cloudvip
