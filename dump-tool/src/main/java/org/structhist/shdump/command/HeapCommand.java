package org.structhist.shdump.command;

import org.structhist.alloc.format.HeapHeaderDescriptor;
import org.structhist.alloc.reader.ChunkInfo;
import org.structhist.alloc.reader.ClassSummary;
import org.structhist.alloc.reader.HeapReader;
import org.structhist.alloc.reader.HeapSummary;
import org.structhist.shdump.Address;
import org.structhist.shdump.ExitCode;
import org.structhist.shdump.ShdumpException;
import org.structhist.shdump.heap.HeapView;
import org.structhist.shdump.heap.LeakReport;
import org.structhist.shdump.output.HexDump;
import org.structhist.shdump.output.Json;
import org.structhist.shdump.output.Style;
import org.structhist.render.Table;
import org.structhist.render.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

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
        final HeapReader reader = heap.reader();
        final PrintWriter out = out();
        final Style style = style();
        final HeapSummary summary = reader.summary();
        final LeakReport report = LeakReport.of(heap);
        if (json)
        {
            out.println(Json.object().field("type", "heap").field("path", heap.path().toString())
                .field("formatVersion", HeapHeaderDescriptor.FORMAT_VERSION).field("capacity", summary.capacity())
                .field("creatorPid", reader.creatorPid()).field("created", Times.iso(reader.createdAtNanos()))
                .field("poison", reader.poisons()).field("quarantineBytes", reader.quarantineBudget())
                .field("quarantineSlots", reader.quarantineSlots()).field("dataOffset", summary.dataOffset())
                .field("carvedBytes", summary.usedBytes()).field("skippedBytes", summary.skippedBytes())
                .field("quarantinedBytes", summary.quarantinedBytes()).field("corruptPages", summary.corruptPages())
                .field("allocatedChunks", summary.allocatedChunks()).field("allocatedBytes", summary.allocatedBytes())
                .field("leakedChunks", report.chunks()).field("leakedBytes", report.bytes())
                .field("deadOwners", report.pids()));
            for (final ClassSummary c : summary.classes())
            {
                out.println(Json.object().field("type", "sizeClass").field("sizeClass", c.sizeClass())
                    .field("chunkSize", c.chunkSize()).field("pages", c.pages()).field("allocated", c.allocated())
                    .field("free", c.free()).field("quarantined", c.quarantined()).field("unused", c.unused())
                    .field("requestedBytes", c.requestedBytes()));
            }
            for (final LeakReport.Owner owner : report.owners())
            {
                out.println(Json.object().field("type", "deadOwner").field("pid", owner.pid(), !owner.isOthers())
                    .field("chunks", owner.chunks()).field("bytes", owner.bytes())
                    .field("requestedBytes", owner.requestedBytes())
                    .field("addresses", owner.firstAddresses().stream().map(Address::format).toList()));
            }
            if (leaks)
            {
                reader.forEachChunk(chunk ->
                {
                    if (heap.isLeaked(chunk))
                    {
                        out.println(heap.chunkFields(Json.object().field("type", "leak"), chunk));
                    }
                });
            }
            out.flush();
            return report.chunks() == 0 ? ExitCode.OK : ExitCode.FOUND;
        }

        out.println(style.bold(heap.path().toString()));
        out.println("  heap format version " + HeapHeaderDescriptor.FORMAT_VERSION + ", " + summary.capacity() +
            " bytes, created by pid " + reader.creatorPid() + " at " + Times.full(reader.createdAtNanos()) + " UTC");
        out.println("  poison " + (reader.poisons() ? "on" : "off") + ", quarantine " +
            (reader.quarantineBudget() == 0 ?
            "off" : reader.quarantineBudget() + " bytes in at most " + reader.quarantineSlots() + " chunks") + ", " +
            summary.quarantinedBytes() + " bytes quarantined now");
        out.println("  carved " + summary.usedBytes() + " of " + (summary.capacity() - summary.dataOffset()) +
            " bytes into chunks, " + summary.skippedBytes() + " skipped at 1 GiB segment edges; " +
            summary.allocatedChunks() + " chunks allocated (" + summary.allocatedBytes() + " bytes)");
        if (summary.corruptPages() > 0)
        {
            out.println("  " + style.yellow(summary.corruptPages() + " pages whose page table entry names no size " +
                "class: the file is corrupt there, their chunks are not counted"));
        }
        out.println();
        out.println(style.bold("size classes"));
        final Table classes = new Table("CLASS", "CHUNK", "PAGES", "ALLOCATED", "FREE", "QUARANTINED", "UNUSED",
            "REQUESTED").alignRight(0, 1, 2, 3, 4, 5, 6, 7);
        for (final ClassSummary c : summary.classes())
        {
            classes.row(String.valueOf(c.sizeClass()), String.valueOf(c.chunkSize()), String.valueOf(c.pages()),
                String.valueOf(c.allocated()), String.valueOf(c.free()), String.valueOf(c.quarantined()),
                String.valueOf(c.unused()), String.valueOf(c.requestedBytes()));
        }
        if (classes.isEmpty())
        {
            out.println("  (none: no chunk carved yet)");
        }
        else
        {
            classes.print(out, "  ", style, null);
        }
        out.println();
        out.println(style.bold("leaks"));
        if (report.chunks() == 0)
        {
            out.println("  " + style.green("none") + ": no chunk is allocated by a process that is dead now");
            out.flush();
            return ExitCode.OK;
        }
        final Table owners = new Table("PID", "CHUNKS", "BYTES", "ADDRESSES").alignRight(0, 1, 2);
        for (final LeakReport.Owner owner : report.owners())
        {
            owners.row(owner.isOthers() ? "others" : String.valueOf(owner.pid()), String.valueOf(owner.chunks()),
                String.valueOf(owner.bytes()), owner.firstAddresses().stream().map(Address::format)
                    .collect(Collectors.joining(" ")) + (owner.chunks() > owner.firstAddresses().size() ? " ..." : ""));
        }
        owners.print(out, "  ", style, (column, cell, row) -> column == 0 ? style.red(cell) : cell);
        out.println("  " +
            style.red(report.chunks() + (report.chunks() == 1 ? " chunk (" : " chunks (") + report.bytes() +
            " bytes)") +
            " still allocated by " + (report.capped() ? "more than " + report.pids() + " dead processes" :
            report.pids() + (report.pids() == 1 ? " dead process" : " dead processes")) +
            (leaks ? "" : "; --leaks lists every one"));
        if (leaks)
        {
            printEveryLeak(heap, report, out, style);
        }
        out.flush();
        return ExitCode.FOUND;
    }

    /** Every leaked chunk, in file order, printed as the walk finds it: a heap may hold millions. */
    private void printEveryLeak(final HeapView heap, final LeakReport report, final PrintWriter out, final Style style)
    {
        out.println();
        out.println(style.bold("leaked chunks"));
        final Table table =
            new Table("ADDRESS", "PID", "CLASS", "CHUNK", "REQUESTED", "GEN", "ALLOCATED (UTC)", "HISTORY")
            .alignRight(1, 2, 3, 4, 5);
        final int[] widths = table.printHeader(out, "  ", style, Address.format(heap.reader().capacity()).length(),
            digits(report.maxPid()), digits(report.maxSizeClass()), digits(report.maxChunkSize()),
            digits(report.maxRequested()), digits(report.maxGeneration()), "YYYY-MM-DD hh:mm:ss.uuuuuu".length());
        heap.reader().forEachChunk(chunk ->
        {
            if (heap.isLeaked(chunk))
            {
                table.printRow(out, "  ", style, null, widths, Address.format(chunk.address()),
                    String.valueOf(chunk.ownerPid()), String.valueOf(chunk.sizeClass()),
                    String.valueOf(chunk.chunkSize()), String.valueOf(chunk.requestedSize()),
                    String.valueOf(chunk.generationUnsigned()), allocatedAt(chunk),
                    chunk.historyHandle() == 0 ? "-" : Address.format(chunk.historyHandle()));
            }
        });
    }

    private static int digits(final long value)
    {
        return String.valueOf(value).length();
    }

    private static String allocatedAt(final ChunkInfo chunk)
    {
        return chunk.allocatedAtNanos() == 0 ? "-" : Times.full(chunk.allocatedAtNanos());
    }

    private int chunk(final HeapView heap, final long queried)
    {
        final HeapReader reader = heap.reader();
        final PrintWriter out = out();
        final Style style = style();
        final ChunkInfo chunk = reader.chunkAt(queried);
        if (chunk == null)
        {
            err().println("shdump: no chunk of " + heap.path() + " holds " + Address.format(queried) + ": " +
                whyNone(heap, queried));
            return ExitCode.FOUND;
        }
        final long payload = heap.payloadBytes(chunk);
        final int shown = (int)Math.min(payload, bytes == null ? DEFAULT_BYTES : bytes);
        final byte[] line = new byte[HexDump.BYTES_PER_LINE];
        if (json)
        {
            final Json object = Json.object().field("type", "chunk").field("query", Address.format(queried))
                .field("offset", queried - chunk.address());
            heap.chunkFields(object, chunk);
            final StringBuilder hex = new StringBuilder(2 * shown);
            for (int at = 0; at < shown; at += line.length)
            {
                final int count = Math.min(line.length, shown - at);
                heap.bytes(chunk.address() + at, line, count);
                HexDump.hex(hex, line, count);
            }
            out.println(object.field("payload", hex.toString()).field("payloadShown", shown)
                .field("payloadLeftOut", payload - shown));
            out.flush();
            return ExitCode.OK;
        }

        final boolean leaked = heap.isLeaked(chunk);
        out.println(style.bold("chunk " + Address.format(chunk.address())) + " of " + heap.path() +
            (queried == chunk.address() ? "" : ": " + Address.format(queried) + " is " +
            HeapView.where(queried, chunk)));
        field(out, "state", leaked ? style.red(chunk.stateName() + " (leaked: its owner is dead)") : chunk.stateName());
        field(out, "size class", chunk.chunkSize() == 0 ? chunk.sizeClass() +
            " (no such class: the header is corrupt)" :
            chunk.sizeClass() + " (" + chunk.chunkSize() + "-byte chunks, " + HeapView.payloadCapacity(chunk) +
            " payload bytes)");
        field(out, "requested", chunk.requestedSize() + " bytes");
        // A free chunk's header still names its last allocation: its "owner" is who had it last.
        field(out, chunk.isAllocated() ? "owner" : "allocated by", heap.owner(chunk));
        field(out, "generation", chunk.generationUnsigned() +
            (chunk.generationUnsigned() == 0 ? " (never allocated)" : ""));
        field(out, "allocated at", chunk.allocatedAtNanos() == 0 ? "-" : Times.full(chunk.allocatedAtNanos()) + " UTC");
        field(out, "freed by", chunk.freedByPid() == 0 ? "-" : "pid " + chunk.freedByPid());
        field(out, "header at", Address.format(chunk.chunkOffset()));
        field(out, "history", chunk.historyHandle() == 0 ? "none" : "handle " + Address.format(chunk.historyHandle()) +
            " (its history: shdump --obj " + Address.format(chunk.address()) + ")");
        out.println(style.bold("payload") + ": " + payload + (payload == 1 ? " byte" : " bytes") +
            (payload < chunk.requestedSize() ? " (its header asks " + chunk.requestedSize() +
            ", more than the chunk holds)" :
                " requested"));
        final int width = HexDump.offsetWidth(shown);
        for (int at = 0; at < shown; at += line.length)
        {
            final int count = Math.min(line.length, shown - at);
            heap.bytes(chunk.address() + at, line, count);
            out.println("  " + HexDump.line(at, width, line, count));
        }
        if (payload > shown)
        {
            out.println("  " + style.dim("... " + (payload - shown) + " more bytes not shown (--bytes " + shown + ")"));
        }
        out.flush();
        return ExitCode.OK;
    }

    /** One line of the chunk's fields: its name in a column as wide as the widest name. */
    private static void field(final PrintWriter out, final String name, final String value)
    {
        out.println("  " + name + " ".repeat(14 - name.length()) + value);
    }

    private static String whyNone(final HeapView heap, final long address)
    {
        final HeapReader reader = heap.reader();
        final long dataOffset = heap.dataOffset();
        if (address < 0 || address >= reader.capacity())
        {
            return "it is past the end of the " + reader.capacity() + "-byte file";
        }
        if (address < dataOffset)
        {
            return "it is in the file's header, page table or quarantine ring (chunks start at " +
                Address.format(dataOffset) + ")";
        }
        return "it is in no carved chunk (a page not carved yet, or the tail of a page too short for a whole chunk)";
    }
}
