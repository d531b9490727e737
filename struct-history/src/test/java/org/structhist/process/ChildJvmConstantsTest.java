package org.structhist.process;

import org.junit.jupiter.api.Test;
import org.structhist.HistoryFile;
import org.structhist.StructHistory;
import org.structhist.testsupport.ChildJvm;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * test-support cannot depend on this module (this module's tests depend on it), so {@link ChildJvm} spells
 * the library's switch and file variable as strings: renaming either in the library must fail here, not
 * leave every child JVM silently switched off or pointed at the wrong file.
 */
class ChildJvmConstantsTest
{
    @Test
    void childJvmSwitchesTheLibraryOnByTheLibrarysOwnProperty()
    {
        assertEquals(StructHistory.ENABLED_PROPERTY, ChildJvm.ENABLED_PROPERTY);
    }

    @Test
    void childJvmRemovesTheLibrarysOwnFileVariable()
    {
        assertEquals(HistoryFile.FILE_ENV, ChildJvm.FILE_ENV);
    }
}
