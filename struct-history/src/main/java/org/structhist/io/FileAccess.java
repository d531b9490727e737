package org.structhist.io;

import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Who may open a structhist file: chosen by the process that creates it, and asked for by every process
 * that attaches (one asking for {@link #OWNER_ONLY} refuses a group file, so sharing is never silent).
 */
public enum FileAccess
{
    /**
     * The default: the file is created mode 0600; its directory and the file must belong to the current
     * user and be writable by nobody else.
     */
    OWNER_ONLY("rw-------"),

    /**
     * Shared with the members of a group: the file is created mode 0660 (whatever the umask); its directory
     * may be group-writable, and the file may belong to another member (its group being one of ours), but
     * neither may be writable by others. Every member of the group can read, write and truncate the file:
     * choose it only for processes of users who trust each other.
     */
    GROUP("rw-rw----");

    private final Set<PosixFilePermission> filePermissions;

    FileAccess(final String filePermissions)
    {
        this.filePermissions = PosixFilePermissions.fromString(filePermissions);
    }

    /** The permissions a file is created with. */
    public Set<PosixFilePermission> filePermissions()
    {
        return filePermissions;
    }
}
