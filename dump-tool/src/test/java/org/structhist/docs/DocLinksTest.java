package org.structhist.docs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No link of the documentation the repository ships leaves it: README.md, docs/*.md and the modules'
 * READMEs link only to files the repository has (and headings those files have), and never to the team's
 * notes in ../shared, which users do not have.
 */
class DocLinksTest
{
    @TempDir
    Path dir;

    @Test
    void everyLinkOfTheShippedDocumentationStaysInTheRepository() throws IOException
    {
        final Path root = Repository.root();
        final List<Path> files = Repository.markdownFiles(root);
        assertTrue(files.contains(root.resolve("README.md")) && files.contains(root.resolve("docs/DESIGN.md")),
            "README.md and docs/DESIGN.md are among the files checked: " + files);
        final DocLinks links = new DocLinks(root);
        final List<String> problems = new ArrayList<>();
        for (final Path file : files)
        {
            problems.addAll(links.problems(file));
        }
        assertEquals(List.of(), problems, "links users cannot follow, one per line:\n" + String.join("\n", problems));
    }

    @Test
    void theCheckFindsEachKindOfLinkThatLeaves() throws IOException
    {
        final Path repo = Files.createDirectories(dir.resolve("repo"));
        Files.createDirectories(repo.resolve("docs"));
        Files.writeString(repo.resolve("docs/DESIGN.md"), "# Design\n\n## The pieces and how data flows\n");
        Files.writeString(dir.resolve("outside.md"), "# Outside\n");
        Files.writeString(repo.resolve("README.md"), String.join("\n",
            "# Title",
            "[fine](docs/DESIGN.md#the-pieces-and-how-data-flows) [fine too](#title) [web](https://example.org)",
            "see `../shared/DESIGN.md`",
            "[up](../outside.md)",
            "[missing](docs/NOPE.md)",
            "[bad anchor](docs/DESIGN.md#no-such-heading)",
            "[absolute](/etc/passwd)",
            "[ref]: ../outside.md",
            "```sh",
            "cat /work/shared/DESIGN.md",
            "```",
            ""));
        final List<String> problems = new DocLinks(repo).problems(repo.resolve("README.md"));
        assertEquals(7, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).startsWith("README.md line 3 points outside the repository (../shared)"),
            problems.get(0));
        assertTrue(problems.get(1).startsWith("README.md line 4: the link ../outside.md leaves the repository"),
            problems.get(1));
        assertTrue(problems.get(2).contains("line 5: the link docs/NOPE.md names a file the repository does not"),
            problems.get(2));
        assertTrue(problems.get(3).contains("line 6: the link docs/DESIGN.md#no-such-heading names an anchor"),
            problems.get(3));
        assertTrue(problems.get(4).contains("line 7: the link /etc/passwd is absolute"), problems.get(4));
        assertTrue(problems.get(5).contains("line 8: the link ../outside.md leaves"), problems.get(5));
        assertTrue(problems.get(6).startsWith("README.md line 10 points outside the repository (/work/shared)"),
            problems.get(6));
    }

    @Test
    void anchorsAreGitHubs()
    {
        assertEquals("type-file", DocLinks.slug("`\"type\": \"file\"`"));
        assertEquals("allocator-sharedheap-against-bytebufferallocatedirect-and-netty",
            DocLinks.slug("Allocator: SharedHeap against ByteBuffer.allocateDirect and Netty"));
        assertEquals("in-mvn-verify", DocLinks.slug("In `mvn verify`"));
    }
}
