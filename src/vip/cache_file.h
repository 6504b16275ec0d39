// The file side of cloudvip's small on-disk caches (IdentityCache, RouteViewCache): read a small file whole,
// replace one atomically, read the kernel's boot id. Plain functions over paths: the caches decide what a
// miss means; nothing here logs.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <optional>
#include <string>

#include "common/error.h"

namespace cloudvip {

// What tells one version of a file from another: write_file_atomically gives every version an inode of its
// own (a rename keeps the inode and the modification time), so a stamp that still matches means the file
// has not been replaced since. A cache can then keep what it parsed instead of reading it again.
struct FileStamp {
  dev_t device = 0;
  ino_t inode = 0;
  off_t size = 0;
  timespec modified{};

  bool operator==(const FileStamp& other) const;
};

// The stamp of the file at `path`; nullopt when it cannot be stat()ed.
std::optional<FileStamp> stamp_of(const std::string& path);

// The whole file; nullopt when it cannot be opened or read.
std::optional<std::string> read_small_file(const std::string& path);

// Writes `content` to `path` atomically: a temp file beside it (mode 0644 whatever the umask), then rename
// over `path`, so a reader sees the old file or the new one, never a part. Returns the stamp of the file
// written (all zeros, which matches no file, in the unlikely case fstat fails). ErrorCode::unavailable names
// the file and the errno text when it cannot.
Result<FileStamp> write_file_atomically(const std::string& path, const std::string& content);

// Creates `directory` (and its parents) with mode 0755 when it does not exist; errors are left to the write.
void ensure_cache_directory(const std::string& directory);

// The trimmed content of the boot id file (/proc/sys/kernel/random/boot_id); nullopt when it cannot be read
// or is empty.
std::optional<std::string> read_boot_id(const std::string& boot_id_path);

// A file-name-safe form of a key: letters, digits and '-' kept, everything else '-'.
std::string file_safe(const std::string& key);

}  // namespace cloudvip
