package org.structhist.format;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.structhist.alloc.format.HeapHeaderDescriptor;
import org.structhist.alloc.format.SizeClasses;
import org.structhist.testsupport.FormatDoc;

import java.nio.file.Paths;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code docs/HEAP-FORMAT.md} against the descriptors of {@code org.structhist.alloc.format}, by every
 * check {@link FormatDocTest} makes of FORMAT.md (it lives in this package to reuse them), plus the
 * size class list the document spells out.
 */
class HeapFormatDocTest extends FormatDocTest
{
    @BeforeAll
    static void loadDocument()
    {
        doc = FormatDoc.load(Paths.get("..", "docs", "HEAP-FORMAT.md"), HeapHeaderDescriptor.class);
    }

    @Override
    @Test
    void classScanFindsTheKnownDescriptors()
    {
        final Set<String> found = doc.descriptorClassNames();
        assertEquals(Set.of("HeapHeaderDescriptor", "SizeClassDescriptor", "ProcessSlotDescriptor",
            "PageTableDescriptor", "ChunkHeaderDescriptor"), found);
    }

    @Override
    @Disabled("the event checksum is the history file's; a heap has none")
    @Test
    void checksumTestVectorMatchesTheCode()
    {
    }

    @Test
    void sizeClassesAreTheOnesTheDocumentLists()
    {
        final String flat = doc.text.replaceAll("\\s+", " ");
        assertTrue(flat.contains("(`SizeClasses.smallCount()`, " + SizeClasses.smallCount() + " in version 1)"), flat);
        assertTrue(flat.contains("**Large classes** (" + (SizeClasses.count() - SizeClasses.smallCount()) +
            " in version 1)"), "large class count");
        final StringBuilder firstSmall = new StringBuilder();
        for (int c = 0; c < 2; c++)
        {
            firstSmall.append(SizeClasses.chunkSize(c)).append(", ");
        }
        assertTrue(flat.contains("chunk sizes " + firstSmall + "…, 256 (steps of 16)"), "first small classes");
        final StringBuilder doubling = new StringBuilder();
        int c = 0;
        while (SizeClasses.chunkSize(c) != 256)
        {
            c++;
        }
        for (int k = 1; k <= 5; k++)
        {
            doubling.append(k > 1 ? ", " : "").append(SizeClasses.chunkSize(c + k));
        }
        assertTrue(flat.contains("up to " + SizeClasses.LARGEST_SMALL_CHUNK + ": " + doubling + ", …, 16384"),
            "expected the four-steps-per-doubling list to start " + doubling);
        assertEquals(SizeClasses.LARGEST_SMALL_CHUNK, SizeClasses.chunkSize(SizeClasses.smallCount() - 1));
        assertTrue(flat.contains("Class Count | i32, size classes in the class table (" + SizeClasses.count() +
            " in version 1)"), "class count");
    }
}
