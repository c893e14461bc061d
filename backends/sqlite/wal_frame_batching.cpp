#include "wal_frame_batching.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <utility>

namespace prefectd::sqlite {
namespace {

constexpr int kWalHeaderBytes = 32;
constexpr int kFrameHeaderBytes = 24;
// Gathered at most before passing on: a group of creates writes about
// 200 KiB; larger transactions go out in pieces of this size.
constexpr int kGatherBytes = 1 << 20;
// The default VFS writes at most 128 KiB - 1 bytes a call (it masks the
// length), which SQLite's own writes never reach.
constexpr int kLargestWrite = 64 << 10;

// A write-ahead log opened through the wrapping VFS. SQLite allocates
// szOsFile bytes and hands them to xOpen: this struct, then the default
// VFS's own file at kLogOffset.
struct GatheringLog {
  sqlite3_file base;  // what SQLite holds; must come first
  sqlite3_file *log;  // the default VFS's file
  unsigned char *gathered;
  int gathered_bytes;
  sqlite3_int64 gathered_from;
  bool page_expected;  // the last write gathered was a frame header...
  bool commit_frame;   // ...of the frame that commits a transaction
};

constexpr size_t kLogOffset = (sizeof(GatheringLog) + alignof(std::max_align_t) - 1) & ~(alignof(std::max_align_t) - 1);

sqlite3_vfs *base_vfs = nullptr;
sqlite3_vfs batching_vfs;
sqlite3_io_methods log_methods;

GatheringLog *gathering(sqlite3_file *file) {
  return reinterpret_cast<GatheringLog *>(file);
}

const sqlite3_io_methods &inner(const GatheringLog *log) {
  return *log->log->pMethods;
}

int pass_on(GatheringLog *log) {
  log->page_expected = false;
  const int bytes = std::exchange(log->gathered_bytes, 0);
  for (int done = 0; done < bytes; done += kLargestWrite) {
    const int piece = std::min(kLargestWrite, bytes - done);
    const int result = inner(log).xWrite(log->log, log->gathered + done, piece, log->gathered_from + done);
    if (result != SQLITE_OK) return result;
  }
  return SQLITE_OK;
}

// Bytes 4-7 of a frame header: the database's size in pages after a
// commit, zero in every other frame.
bool commits(const void *frame_header) {
  const auto *bytes = static_cast<const unsigned char *>(frame_header);
  return (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
}

int write_log(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset) {
  GatheringLog *log = gathering(file);
  const bool appends = log->gathered_bytes == 0 || offset == log->gathered_from + log->gathered_bytes;
  const bool header = !log->page_expected && appends && amount == kFrameHeaderBytes && offset >= kWalHeaderBytes;
  const bool page = log->page_expected && offset == log->gathered_from + log->gathered_bytes;
  if (header || page) {
    if (log->gathered == nullptr) log->gathered = static_cast<unsigned char *>(sqlite3_malloc(kGatherBytes));
    if (log->gathered != nullptr && amount <= kGatherBytes) {
      if (log->gathered_bytes + amount > kGatherBytes) {
        const bool page_expected = log->page_expected;
        if (const int result = pass_on(log); result != SQLITE_OK) return result;
        log->page_expected = page_expected;
      }
      if (log->gathered_bytes == 0) log->gathered_from = offset;
      std::memcpy(log->gathered + log->gathered_bytes, data, static_cast<size_t>(amount));
      log->gathered_bytes += amount;
      if (header) {
        log->page_expected = true;
        log->commit_frame = commits(data);
        return SQLITE_OK;
      }
      log->page_expected = false;
      return log->commit_frame ? pass_on(log) : SQLITE_OK;
    }
  }
  if (const int result = pass_on(log); result != SQLITE_OK) return result;
  return inner(log).xWrite(log->log, data, amount, offset);
}

int close_log(sqlite3_file *file) {
  GatheringLog *log = gathering(file);
  const int passed = pass_on(log);
  const int closed = inner(log).xClose(log->log);
  sqlite3_free(log->gathered);
  log->gathered = nullptr;
  return passed != SQLITE_OK ? passed : closed;
}

int read_log(sqlite3_file *file, void *data, int amount, sqlite3_int64 offset) {
  GatheringLog *log = gathering(file);
  if (const int result = pass_on(log); result != SQLITE_OK) return result;
  return inner(log).xRead(log->log, data, amount, offset);
}

int truncate_log(sqlite3_file *file, sqlite3_int64 size) {
  GatheringLog *log = gathering(file);
  if (const int result = pass_on(log); result != SQLITE_OK) return result;
  return inner(log).xTruncate(log->log, size);
}

int sync_log(sqlite3_file *file, int flags) {
  GatheringLog *log = gathering(file);
  if (const int result = pass_on(log); result != SQLITE_OK) return result;
  return inner(log).xSync(log->log, flags);
}

int log_size(sqlite3_file *file, sqlite3_int64 *size) {
  GatheringLog *log = gathering(file);
  if (const int result = pass_on(log); result != SQLITE_OK) return result;
  return inner(log).xFileSize(log->log, size);
}

int lock_log(sqlite3_file *file, int level) {
  return inner(gathering(file)).xLock(gathering(file)->log, level);
}

int unlock_log(sqlite3_file *file, int level) {
  return inner(gathering(file)).xUnlock(gathering(file)->log, level);
}

int check_log_reserved(sqlite3_file *file, int *reserved) {
  return inner(gathering(file)).xCheckReservedLock(gathering(file)->log, reserved);
}

int control_log(sqlite3_file *file, int operation, void *argument) {
  GatheringLog *log = gathering(file);
  if (const int result = pass_on(log); result != SQLITE_OK) return result;
  return inner(log).xFileControl(log->log, operation, argument);
}

int log_sector_size(sqlite3_file *file) {
  return inner(gathering(file)).xSectorSize(gathering(file)->log);
}

int log_characteristics(sqlite3_file *file) {
  return inner(gathering(file)).xDeviceCharacteristics(gathering(file)->log);
}

// A log has no shared memory of its own (the database file has), and SQLite
// never maps it; these only keep the methods complete.
int map_log_shm(sqlite3_file *file, int region, int size, int extend, void volatile **mapped) {
  const GatheringLog *log = gathering(file);
  if (inner(log).iVersion < 2) return SQLITE_IOERR_SHMMAP;
  return inner(log).xShmMap(log->log, region, size, extend, mapped);
}

int lock_log_shm(sqlite3_file *file, int offset, int count, int flags) {
  const GatheringLog *log = gathering(file);
  if (inner(log).iVersion < 2) return SQLITE_IOERR_SHMLOCK;
  return inner(log).xShmLock(log->log, offset, count, flags);
}

void log_shm_barrier(sqlite3_file *file) {
  const GatheringLog *log = gathering(file);
  if (inner(log).iVersion >= 2) inner(log).xShmBarrier(log->log);
}

int unmap_log_shm(sqlite3_file *file, int delete_it) {
  const GatheringLog *log = gathering(file);
  if (inner(log).iVersion < 2) return SQLITE_OK;
  return inner(log).xShmUnmap(log->log, delete_it);
}

int fetch_log(sqlite3_file *file, sqlite3_int64 offset, int amount, void **pages) {
  GatheringLog *log = gathering(file);
  *pages = nullptr;
  if (inner(log).iVersion < 3) return SQLITE_OK;
  if (const int result = pass_on(log); result != SQLITE_OK) return result;
  return inner(log).xFetch(log->log, offset, amount, pages);
}

int unfetch_log(sqlite3_file *file, sqlite3_int64 offset, void *pages) {
  const GatheringLog *log = gathering(file);
  if (inner(log).iVersion < 3) return SQLITE_OK;
  return inner(log).xUnfetch(log->log, offset, pages);
}

// Every file but a write-ahead log is the default VFS's own, opened into
// the same allocation, untouched.
int open_file(sqlite3_vfs *, const char *name, sqlite3_file *file, int flags, int *out_flags) {
  if ((flags & SQLITE_OPEN_WAL) == 0) return base_vfs->xOpen(base_vfs, name, file, flags, out_flags);
  GatheringLog *log = gathering(file);
  std::memset(log, 0, sizeof *log);
  log->log = reinterpret_cast<sqlite3_file *>(reinterpret_cast<char *>(file) + kLogOffset);
  log->log->pMethods = nullptr;
  const int result = base_vfs->xOpen(base_vfs, name, log->log, flags, out_flags);
  if (result != SQLITE_OK) {
    // SQLite closes a file whose pMethods is set, failed or not.
    if (log->log->pMethods != nullptr) log->log->pMethods->xClose(log->log);
    log->base.pMethods = nullptr;
    return result;
  }
  log->base.pMethods = &log_methods;
  return SQLITE_OK;
}

// The rest of the VFS is the default one's, called as itself.
int delete_file(sqlite3_vfs *, const char *name, int sync_directory) {
  return base_vfs->xDelete(base_vfs, name, sync_directory);
}
int access_file(sqlite3_vfs *, const char *name, int flags, int *result) {
  return base_vfs->xAccess(base_vfs, name, flags, result);
}
int full_pathname(sqlite3_vfs *, const char *name, int size, char *out) {
  return base_vfs->xFullPathname(base_vfs, name, size, out);
}
void *open_library(sqlite3_vfs *, const char *name) {
  return base_vfs->xDlOpen(base_vfs, name);
}
void library_error(sqlite3_vfs *, int size, char *message) {
  base_vfs->xDlError(base_vfs, size, message);
}
void (*library_symbol(sqlite3_vfs *, void *library, const char *symbol))(void) {
  return base_vfs->xDlSym(base_vfs, library, symbol);
}
void close_library(sqlite3_vfs *, void *library) {
  base_vfs->xDlClose(base_vfs, library);
}
int randomness(sqlite3_vfs *, int size, char *out) {
  return base_vfs->xRandomness(base_vfs, size, out);
}
int sleep_for(sqlite3_vfs *, int microseconds) {
  return base_vfs->xSleep(base_vfs, microseconds);
}
int current_time(sqlite3_vfs *, double *now) {
  return base_vfs->xCurrentTime(base_vfs, now);
}
int last_error(sqlite3_vfs *, int size, char *message) {
  return base_vfs->xGetLastError(base_vfs, size, message);
}
int current_time_int64(sqlite3_vfs *, sqlite3_int64 *now) {
  return base_vfs->xCurrentTimeInt64(base_vfs, now);
}
int set_system_call(sqlite3_vfs *, const char *name, sqlite3_syscall_ptr call) {
  return base_vfs->xSetSystemCall(base_vfs, name, call);
}
sqlite3_syscall_ptr get_system_call(sqlite3_vfs *, const char *name) {
  return base_vfs->xGetSystemCall(base_vfs, name);
}
const char *next_system_call(sqlite3_vfs *, const char *name) {
  return base_vfs->xNextSystemCall(base_vfs, name);
}

const char *register_vfs() {
  base_vfs = sqlite3_vfs_find(nullptr);
  if (base_vfs == nullptr) return nullptr;
  log_methods = {3,
                 close_log,
                 read_log,
                 write_log,
                 truncate_log,
                 sync_log,
                 log_size,
                 lock_log,
                 unlock_log,
                 check_log_reserved,
                 control_log,
                 log_sector_size,
                 log_characteristics,
                 map_log_shm,
                 lock_log_shm,
                 log_shm_barrier,
                 unmap_log_shm,
                 fetch_log,
                 unfetch_log};
  batching_vfs = {};
  batching_vfs.iVersion = base_vfs->iVersion;
  batching_vfs.szOsFile = static_cast<int>(kLogOffset) + base_vfs->szOsFile;
  batching_vfs.mxPathname = base_vfs->mxPathname;
  batching_vfs.zName = "prefectd-wal-frames";
  batching_vfs.xOpen = open_file;
  batching_vfs.xDelete = delete_file;
  batching_vfs.xAccess = access_file;
  batching_vfs.xFullPathname = full_pathname;
  batching_vfs.xDlOpen = base_vfs->xDlOpen != nullptr ? open_library : nullptr;
  batching_vfs.xDlError = base_vfs->xDlError != nullptr ? library_error : nullptr;
  batching_vfs.xDlSym = base_vfs->xDlSym != nullptr ? library_symbol : nullptr;
  batching_vfs.xDlClose = base_vfs->xDlClose != nullptr ? close_library : nullptr;
  batching_vfs.xRandomness = randomness;
  batching_vfs.xSleep = sleep_for;
  batching_vfs.xCurrentTime = current_time;
  batching_vfs.xGetLastError = last_error;
  if (base_vfs->iVersion >= 2) batching_vfs.xCurrentTimeInt64 = current_time_int64;
  if (base_vfs->iVersion >= 3) {
    batching_vfs.xSetSystemCall = set_system_call;
    batching_vfs.xGetSystemCall = get_system_call;
    batching_vfs.xNextSystemCall = next_system_call;
  }
  if (sqlite3_vfs_register(&batching_vfs, 0) != SQLITE_OK) return nullptr;
  return batching_vfs.zName;
}

}  // namespace

const char *wal_frame_batching_vfs() {
  static const char *const name = register_vfs();
  return name;
}

}  // namespace prefectd::sqlite
