package org.structhist.shdump.output;

import org.structhist.alloc.format.HeapHeaderDescriptor;
import org.structhist.alloc.reader.ChunkInfo;
import org.structhist.alloc.reader.ClassSummary;
import org.structhist.alloc.reader.HeapReader;
import org.structhist.alloc.reader.HeapSummary;
import org.structhist.render.Table;
import org.structhist.render.Times;
import org.structhist.shdump.cli.Address;
import org.structhist.shdump.heap.HeapView;
import org.structhist.shdump.heap.LeakReport;

import java.io.PrintWriter;
import java.util.stream.Collectors;

/**
 * Prints a heap file as {@code shdump heap} does, as text or JSON lines (field names in docs/CLI.md): the
 * summary with its leaks, or one chunk and its bytes; and the line and the {@code heapChunk} JSON object that
 * {@code show --heap-file} adds to each incarnation. What the heap holds comes from {@link HeapView}; this
 * class only words it.
 */
public final class HeapRenderer
{
    private final HeapView heap;
    private final Style style;

    public HeapRenderer(final HeapView heap, final Style style)
    {
        this.heap = heap;
        this.style = style;
    }

    /**
     * {@code heap} without {@code --addr}: the header's settings, a table per size class and the leaks, as text or
     * JSON lines; with {@code everyLeak} every leaked chunk too. Returns the leak report, which decides the exit code.
     */
    public LeakReport printSummary(final PrintWriter out, final boolean json, final boolean everyLeak)
    {
        final HeapReader reader = heap.reader();
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
            if (everyLeak)
            {
                reader.forEachChunk(chunk ->
                {
                    if (heap.isLeaked(chunk))
                    {
                        out.println(chunkFields(Json.object().field("type", "leak"), chunk));
                    }
                });
            }
            out.flush();
            return report;
        }

        out.println(style.bold(heap.path().toString()));
        out.println("  heap format version " + HeapHeaderDescriptor.FORMAT_VERSION + ", " + summary.capacity() +
            " bytes, created by pid " + reader.creatorPid() + " at " + Times.full(reader.createdAtNanos()) + " UTC");
        out.println("  poison " + (reader.poisons() ? "on" : "off") + ", quarantine " +
            (reader.quarantineBudget() == 0 ? "off" :
                reader.quarantineBudget() + " bytes in at most " + reader.quarantineSlots() + " chunks") + ", " +
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
            return report;
        }
        final Table owners = new Table("PID", "CHUNKS", "BYTES", "ADDRESSES").alignRight(0, 1, 2);
        for (final LeakReport.Owner owner : report.owners())
        {
            owners.row(owner.isOthers() ? "others" : String.valueOf(owner.pid()), String.valueOf(owner.chunks()),
                String.valueOf(owner.bytes()), owner.firstAddresses().stream().map(Address::format)
                    .collect(Collectors.joining(" ")) + (owner.chunks() > owner.firstAddresses().size() ? " ..." : ""));
        }
        owners.print(out, "  ", style, (column, cell, row) -> column == 0 ? style.red(cell) : cell);
        out.println("  " + style.red(report.chunks() + (report.chunks() == 1 ? " chunk (" : " chunks (") +
            report.bytes() + " bytes)") +
            " still allocated by " + (report.capped() ? "more than " + report.pids() + " dead processes" :
            report.pids() + (report.pids() == 1 ? " dead process" : " dead processes")) +
            (everyLeak ? "" : "; --leaks lists every one"));
        if (everyLeak)
        {
            printEveryLeak(report, out);
        }
        out.flush();
        return report;
    }

    /** Every leaked chunk, in file order, printed as the walk finds it: a heap may hold millions. */
    private void printEveryLeak(final LeakReport report, final PrintWriter out)
    {
        out.println();
        out.println(style.bold("leaked chunks"));
        final Table table = new Table("ADDRESS", "PID", "CLASS", "CHUNK", "REQUESTED", "GEN", "ALLOCATED (UTC)",
            "HISTORY").alignRight(1, 2, 3, 4, 5);
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

    /**
     * {@code heap --addr}: {@code chunk}, the one holding {@code queried}, its fields and a hex dump of at most
     * {@code maxBytes} of its payload, as text or as one JSON line.
     */
    public void printChunk(final PrintWriter out, final ChunkInfo chunk, final long queried, final int maxBytes,
        final boolean json)
    {
        final long payload = heap.payloadBytes(chunk);
        final int shown = (int)Math.min(payload, maxBytes);
        final byte[] line = new byte[HexDump.BYTES_PER_LINE];
        if (json)
        {
            final Json object = Json.object().field("type", "chunk").field("query", Address.format(queried))
                .field("offset", queried - chunk.address());
            chunkFields(object, chunk);
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
            return;
        }

        final boolean leaked = heap.isLeaked(chunk);
        out.println(style.bold("chunk " + Address.format(chunk.address())) + " of " + heap.path() +
            (queried == chunk.address() ? "" : ": " + Address.format(queried) + " is " + where(queried, chunk)));
        field(out, "state", leaked ? style.red(chunk.stateName() + " (leaked: its owner is dead)") : chunk.stateName());
        field(out, "size class", chunk.chunkSize() == 0 ?
            chunk.sizeClass() + " (no such class: the header is corrupt)" :
            chunk.sizeClass() + " (" + chunk.chunkSize() + "-byte chunks, " + HeapView.payloadCapacity(chunk) +
            " payload bytes)");
        field(out, "requested", chunk.requestedSize() + " bytes");
        // A free chunk's header still names its last allocation: its "owner" is who had it last.
        field(out, chunk.isAllocated() ? "owner" : "allocated by", owner(chunk));
        field(out, "generation",
            chunk.generationUnsigned() + (chunk.generationUnsigned() == 0 ? " (never allocated)" : ""));
        field(out, "allocated at", chunk.allocatedAtNanos() == 0 ? "-" : Times.full(chunk.allocatedAtNanos()) + " UTC");
        field(out, "freed by", chunk.freedByPid() == 0 ? "-" : "pid " + chunk.freedByPid());
        field(out, "header at", Address.format(chunk.chunkOffset()));
        field(out, "history", chunk.historyHandle() == 0 ? "none" : "handle " + Address.format(chunk.historyHandle()) +
            " (its history: shdump --obj " + Address.format(chunk.address()) + ")");
        out.println(style.bold("payload") + ": " + payload + (payload == 1 ? " byte" : " bytes") +
            (payload < chunk.requestedSize() ?
                " (its header asks " + chunk.requestedSize() + ", more than the chunk holds)" : " requested"));
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
    }

    /** One line of the chunk's fields: its name in a column as wide as the widest name. */
    private static void field(final PrintWriter out, final String name, final String value)
    {
        out.println("  " + name + " ".repeat(14 - name.length()) + value);
    }

    /** Why no chunk holds {@code address}: past the file's end, in its header, or in no carved chunk. */
    public String whyNone(final long address)
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

    /** The owner as a sentence fragment: "pid 4242 (dead)", or "none" for a chunk never allocated. */
    private String owner(final ChunkInfo chunk)
    {
        return chunk.ownerPid() == 0 ? "none" :
            "pid " + chunk.ownerPid() + (heap.isAlive(chunk.ownerPid()) ? " (alive)" : " (dead)");
    }

    /**
     * Where {@code address} lies in {@code chunk}: "chunk 0x..." for its start, else "N bytes into chunk 0x..."
     * or into its header.
     */
    private static String where(final long address, final ChunkInfo chunk)
    {
        final long offset = address - chunk.address();
        if (offset == 0)
        {
            return "chunk " + Address.format(chunk.address());
        }
        if (offset < 0)
        {
            return "the header of chunk " + Address.format(chunk.address()) + " (" + -offset +
                " bytes before its payload)";
        }
        return offset + " bytes into chunk " + Address.format(chunk.address());
    }

    /**
     * One line about the chunk that holds {@code address} now, as {@code show --heap-file} prints it under
     * each incarnation: its state, generation and owner, or that no chunk holds the address.
     */
    public String describe(final long address, final long historyHandle)
    {
        return heap.read(() -> describeNow(address, historyHandle));
    }

    private String describeNow(final long address, final long historyHandle)
    {
        final ChunkInfo chunk = heap.reader().chunkAt(address);
        if (chunk == null)
        {
            return "heap: no chunk of " + heap.path() + " holds " + Address.format(address);
        }
        final StringBuilder sb = new StringBuilder("heap: ").append(Address.format(address)).append(" is ")
            .append(where(address, chunk)).append(", ").append(chunk.stateName())
            .append(", generation ").append(chunk.generationUnsigned());
        if (chunk.ownerPid() != 0)
        {
            sb.append(chunk.isAllocated() ? ", owner " : ", last allocated by ").append(owner(chunk));
        }
        if (!chunk.isAllocated() && chunk.freedByPid() != 0)
        {
            sb.append(", freed by pid ").append(chunk.freedByPid());
        }
        if (historyHandle != 0 && chunk.historyHandle() == historyHandle)
        {
            // The chunk's header names this very history: the allocation it tells of is the chunk's latest.
            sb.append(", this history's allocation");
        }
        return sb.toString();
    }

    /**
     * The fields every JSON form of a chunk shares (the "chunk" and "leak" lines of {@code heap --json},
     * the {@code heapChunk} of {@code show --json --heap-file}), after {@code json}'s own.
     */
    private Json chunkFields(final Json json, final ChunkInfo chunk)
    {
        return json
            .field("address", Address.format(chunk.address()))
            .field("header", Address.format(chunk.chunkOffset()))
            .field("state", chunk.stateName())
            .field("sizeClass", chunk.sizeClass())
            .field("chunkSize", chunk.chunkSize())
            .field("requestedSize", chunk.requestedSize())
            .field("generation", chunk.generationUnsigned())
            .field("ownerPid", chunk.ownerPid())
            .field("ownerAlive", chunk.ownerPid() == 0 ? null : (Boolean)heap.isAlive(chunk.ownerPid()))
            .field("allocated", chunk.allocatedAtNanos() == 0 ? null : Times.iso(chunk.allocatedAtNanos()))
            .field("freedByPid", chunk.freedByPid())
            .field("historyHandle", Address.format(chunk.historyHandle()));
    }

    /** The {@code heapChunk} of an incarnation line: the chunk holding {@code address} now, or null. */
    public Json chunkJson(final long address)
    {
        return heap.read(() ->
        {
            final ChunkInfo chunk = heap.reader().chunkAt(address);
            // chunkFields asks the process table, in the mapping too, whether the owner is alive.
            return chunk == null ? null : chunkFields(Json.object(), chunk).field("offset", address - chunk.address());
        });
    }
}
