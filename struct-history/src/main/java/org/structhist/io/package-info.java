/**
 * How structhist files are made, opened and trusted: the public base that every module creating or
 * mapping a shared file (history files here, shared heaps in offheap-alloc) builds on.
 * <ul>
 *     <li>{@link org.structhist.io.FileSafety}: a file is opened only if its directory and the file itself
 *     are what they must be: not reached through a symlink, a regular file, owned by the current user (or,
 *     with {@link org.structhist.io.FileAccess#GROUP}, by the group), not writable by others; the opened
 *     file is checked through its open descriptor, so a swap between the check and the open is caught.</li>
 *     <li>{@link org.structhist.io.FileCreation}: creation under a temporary name, atomically linked into
 *     place, and the removal of temporaries whose creator died.</li>
 *     <li>{@link org.structhist.io.ProcessIdentity}: a process as pid plus start time, and whether it runs.</li>
 *     <li>{@link org.structhist.io.WallClock}: wall-clock epoch nanoseconds, precise or garbage-free.</li>
 * </ul>
 * Everything here is for cold paths (opening, creating, cleaning up) except
 * {@link org.structhist.io.WallClock#nanos()}, which allocates nothing.
 */
package org.structhist.io;
