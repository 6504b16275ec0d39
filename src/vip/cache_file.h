// The file side of cloudvip's small on-disk caches (IdentityCache, RouteViewCache): read a small file whole,
// replace one atomically, read the kernel's boot id. Plain functions over paths: the caches decide what a
// miss means; nothing here logs.
#pragma once

#include <optional>
#include <string>

#include "common/error.h"

namespace cloudvip {

// The whole file; nullopt when it cannot be opened or read.
std::optional<std::string> read_small_file(const std::string& path);

// Writes `content` to `path` atomically: a temp file beside it (mode 0644 whatever the umask), then rename
// over `path`, so a reader sees the old file or the new one, never a part. ErrorCode::unavailable names the
// file and the errno text when it cannot.
Result<void> write_file_atomically(const std::string& path, const std::string& content);

// Creates `directory` (and its parents) with mode 0755 when it does not exist; errors are left to the write.
void ensure_cache_directory(const std::string& directory);

// The trimmed content of the boot id file (/proc/sys/kernel/random/boot_id); nullopt when it cannot be read
// or is empty.
std::optional<std::string> read_boot_id(const std::string& boot_id_path);

// A file-name-safe form of a key: letters, digits and '-' kept, everything else '-'.
std::string file_safe(const std::string& key);

}  // namespace cloudvip
