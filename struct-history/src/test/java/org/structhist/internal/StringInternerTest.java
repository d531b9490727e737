package org.structhist.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.structhist.FileOptions;
import org.structhist.format.FileHeaderDescriptor;
import org.structhist.format.StringTableDescriptor;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class StringInternerTest
{
    @TempDir
    Path dir;

    @Test
    void equalStringsShareOneIdAndDistinctOnesDoNot()
    {
        final MappedFile mapped =
            MappedFiles.createOrAttach(dir.resolve("a.hist"), FileOptions.defaults().sizeBytes(1L << 20));
        final StringInterner strings = new StringInterner(mapped.buffer, mapped.layout);
        final int id = strings.intern("connect %d");
        assertNotEquals(StringTableDescriptor.NO_STRING, id);
        assertEquals(id, strings.intern(new String("connect %d")));
        assertNotEquals(id, strings.intern("connect %x"));
    }

    /**
     * One intern probes at most MAX_PROBES index slots: with the string's home slot and the 63 after it
     * taken by other strings, it is not interned, although the index has room further on.
     */
    @Test
    void aStringWhoseProbeRunIsTakenIsNotInternedWhateverRoomIsLeftElsewhere()
    {
        final MappedFile mapped = MappedFiles.createOrAttach(dir.resolve("b.hist"),
            FileOptions.defaults().sizeBytes(1L << 20).stringIndexCapacity(1024));
        final StringInterner strings = new StringInterner(mapped.buffer, mapped.layout);
        final int other = strings.intern("some other string");
        final String value = "a format that finds its run taken";
        final int mask = mapped.layout.stringIndexCapacity - 1;
        final int home = StringInterner.hash(StringInterner.utf8(value)) & mask;
        for (int probe = 0; probe < StringTableDescriptor.MAX_PROBES; probe++)
        {
            mapped.buffer.putInt(mapped.layout.stringIndexOffset +
                ((home + probe) & mask) * StringTableDescriptor.INDEX_SLOT_LENGTH, other);
        }
        final int notInternedBefore = mapped.buffer.getInt(FileHeaderDescriptor.STRINGS_NOT_INTERNED_OFFSET);
        assertEquals(StringTableDescriptor.NO_STRING, strings.intern(value));
        assertEquals(notInternedBefore + 1, mapped.buffer.getInt(FileHeaderDescriptor.STRINGS_NOT_INTERNED_OFFSET));
    }
}
