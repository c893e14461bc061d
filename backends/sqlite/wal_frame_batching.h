// One write per commit to the write-ahead log.
//
// SQLite appends each page of a commit to the log as two writes, a 24-byte
// frame header and the page; COMMIT was the largest part of a writer's turn
// and those writes most of it (measured: a 45-frame commit took 126 µs in
// 90 `pwrite`s, 36-46 µs as one). A connection opened with this VFS (the
// default one, wrapped) gathers frames appended in that order and passes
// them on as one write when the commit frame's page arrives, so the commit
// reports a failed write as before, and before SQLite publishes the new
// frames to other connections. Any other write to the log, and any other
// use of it (read, sync, truncate, size, close), passes what is gathered
// on first; writes of another shape are never gathered at all.
#pragma once

namespace prefectd::sqlite {

// The name to open a connection with (sqlite3_open_v2's zVfs), registered
// on first use; nullptr when that failed (connections then use the default).
const char *wal_frame_batching_vfs();

}  // namespace prefectd::sqlite
