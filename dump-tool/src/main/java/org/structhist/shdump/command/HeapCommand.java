package org.structhist.shdump.command;

import org.structhist.alloc.reader.ChunkInfo;
import org.structhist.shdump.cli.Address;
import org.structhist.shdump.cli.ExitCode;
import org.structhist.shdump.cli.ShdumpException;
import org.structhist.shdump.heap.HeapView;
import org.structhist.shdump.heap.LeakReport;
import org.structhist.shdump.output.HeapRenderer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code shdump heap --heap-file F}: a SharedHeap file, read-only: its chunks per size class and the
 * chunks dead processes still hold; or, with {@code --addr}, the chunk holding one address and its bytes.
 */
@Command(
    name = "heap",
    header = "A shared heap file: chunks per size class and leaks, or one chunk and its bytes.",
    description = "Reads the SharedHeap file --heap-file names, without writing to it. Without --addr: its capacity, " +
    "creator, poison and quarantine settings, bytes carved into chunks, a table per size class (chunk size, pages, " +
    "chunks allocated, free, quarantined and unused, bytes requested), and the leaks: chunks still allocated whose " +
    "owner process is dead, per pid, with their first addresses. With --addr: the chunk holding that address (its " +
    "start, any byte inside, or its header): state, size class, requested size, owner pid and whether it is alive, " +
    "generation, allocation time, the pid that freed it, its history handle, and a hex dump of its payload.",
    footerHeading = "%nExamples:%n",
    footer = {
        "  shdump heap --heap-file /dev/shm/app.heap",
        "  shdump heap --heap-file app.heap --leaks --json | jq -r '.address // empty'",
        "  shdump heap --heap-file app.heap --addr 0x40030 --bytes 64",
        "",
        "Exit code 1 when dead processes left chunks allocated, or with --addr when no chunk holds the address."})
public final class HeapCommand extends FileCommand implements Callable<Integer>
{
    /** What --bytes allows: a dump is for reading; for more, read the file at the address (xxd -s). */
    static final int MAX_BYTES = 1 << 20;
    private static final int DEFAULT_BYTES = 256;

    @Option(names = "--addr", paramLabel = "ADDRESS", converter = Address.class,
        description = "Show the chunk holding this address (its start, any byte inside, or its header): " +
            "hex (0x40030) or decimal.")
    Long address;

    @Option(names = "--bytes", paramLabel = "N",
        description = "With --addr: dump at most N bytes of the payload (default " + DEFAULT_BYTES + ", at most " +
            MAX_BYTES + ").")
    Integer bytes;

    @Option(names = "--leaks", description = "List every leaked chunk, not only the first addresses of each dead pid.")
    boolean leaks;

    @Option(names = "--json", description =
        "JSON lines: a \"heap\" object, \"sizeClass\" and \"deadOwner\" objects, and with --leaks \"leak\" objects; " +
            "with --addr one \"chunk\" object.")
    boolean json;

    @Override
    public Integer call()
    {
        final Path path = root.heapFileOption();
        if (path == null)
        {
            throw new ShdumpException(ExitCode.USAGE, "heap needs the heap file: --heap-file PATH");
        }
        if (address != null && leaks)
        {
            throw new ShdumpException(ExitCode.USAGE,
                "--leaks lists the whole heap's leaks; it does not go with --addr");
        }
        if (bytes != null && address == null)
        {
            throw new ShdumpException(ExitCode.USAGE, "--bytes sizes the dump of --addr's chunk; give --addr too");
        }
        if (bytes != null && (bytes < 0 || bytes > MAX_BYTES))
        {
            throw new ShdumpException(ExitCode.USAGE, "--bytes must be 0 to " + MAX_BYTES + ", not " + bytes);
        }
        final HeapView heap = HeapView.open(path);
        return heap.read(() -> address != null ? chunk(heap, address) : summary(heap));
    }

    private int summary(final HeapView heap)
    {
        final LeakReport report = new HeapRenderer(heap, style()).printSummary(out(), json, leaks);
        return report.chunks() == 0 ? ExitCode.OK : ExitCode.FOUND;
    }

    private int chunk(final HeapView heap, final long queried)
    {
        final HeapRenderer renderer = new HeapRenderer(heap, style());
        final ChunkInfo chunk = heap.reader().chunkAt(queried);
        if (chunk == null)
        {
            err().println("shdump: no chunk of " + heap.path() + " holds " + Address.format(queried) + ": " +
                renderer.whyNone(queried));
            return ExitCode.FOUND;
        }
        renderer.printChunk(out(), chunk, queried, bytes == null ? DEFAULT_BYTES : bytes, json);
        return ExitCode.OK;
    }
}
