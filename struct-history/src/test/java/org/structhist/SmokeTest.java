package org.structhist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class SmokeTest
{
    @TempDir
    Path dir;

    @Test
    void smoke()
    {
        final HistoryFile file = HistoryFile.open(dir.resolve("a.hist"), FileOptions.defaults().sizeBytes(8 << 20));
        final HistoryList tcp = file.list("TCP con", ListOptions.window(4).eventsPerObject(8).pinnedFirst(2));
        final History sh = tcp.push(0x7f95acf6ea60L);
        sh.log(TcpVerb.TCP_REF, "connect, (%d)", 1);
        sh.log(TcpVerb.TCP_UNREF, "send %d, (%d)", 6, 1);
        for (int i = 0; i < 10; i++) sh.log(TcpVerb.TCP_SEND2CHILD, "text %s", "hello " + i);
        sh.log(TcpVerb.TCP_DESTROY, "type=%d", 2);
        sh.unref();
        final StringBuilder sb = new StringBuilder();
        tcp.flush(sb);
        System.out.println(sb);
        file.close();
    }
}
