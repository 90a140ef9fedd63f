/**
 * The relay's peer table (RFC 4380 §5.2 peer list, §5.4.1 queues, §7.3.5 state limits).
 *
 * <p>Who writes what: every field of every entry, the pending queues and the per-segment counters are
 * written only by a thread holding that entry's {@link org.jmiredo.peer.Segment} lock; any event loop may
 * take any segment's lock, for a few hundred nanoseconds at most on the forwarding path. {@code expire}
 * runs on one thread at a time (a try-lock) and takes segment locks one chunk at a time. The statistics
 * ({@code size}, {@code evictions}, ...) are read without locks through opaque loads. Entries are also
 * read without locks by {@link org.jmiredo.peer.PeerLookups}, optimistically: the segment's lock word is
 * a version that every lock and unlock moves, and a copy is acted on only while that version has not
 * moved since the read (a sequence lock), so readers never wait for writers nor make them wait. The only state
 * shared by all segments is the atomic count of peers holding queues, updated when a queue is created or
 * deleted.
 */
package org.jmiredo.peer;
