package org.structhist.docs;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pieces of {@link ReadmeSnippetsTest} that decide what a snippet means and what its output may be:
 * how a block is wrapped into a class, and how README's output is compared with the real one.
 */
class SnippetHarnessTest
{
    @Test
    void importsStayImportsTypesAndMethodsAreHoistedTheRestIsMain()
    {
        final List<FencedBlock> blocks = FencedBlock.parse(List.of(
            "# Section",
            "```java requires-jdk=21",
            "import java.util.List;",
            "enum Verb { A, B }",
            "record Pair(int a, int b) {",
            "    int sum() { return a + b; }",
            "}",
            "int twice(final int x) {",
            "    return 2 * x;",
            "}",
            "int n = twice(new Pair(1, 2).sum());",
            "if (n > 0) {",
            "    System.out.println(List.of(Verb.A, n));",
            "}",
            "```"));
        final FencedBlock block = blocks.get(0);
        assertEquals("java", block.language());
        assertEquals("21", block.attribute("requires-jdk"));
        assertEquals("README.md line 2 (section \"Section\")", block.where("README.md"));

        final JavaSnippet snippet = JavaSnippet.of("S", block);
        assertEquals(String.join("\n",
            "import java.util.List;",
            "public final class S {",
            "static enum Verb { A, B }",
            "static record Pair(int a, int b) {",
            "    int sum() { return a + b; }",
            "}",
            "static int twice(final int x) {",
            "    return 2 * x;",
            "}",
            "public static void main(final String[] args) throws Exception {",
            "int n = twice(new Pair(1, 2).sum());",
            "if (n > 0) {",
            "    System.out.println(List.of(Verb.A, n));",
            "}",
            "}}",
            ""), snippet.source);
        assertEquals(3, snippet.readmeLine(1), "the import is README line 3");
        assertEquals(0, snippet.readmeLine(2), "the class line is the wrapping's");
        assertEquals(11, snippet.readmeLine(11), "the first statement is README line 11");
    }

    @Test
    void aContinuedBlockJoinsTheProgramOfTheBlockBeforeIt()
    {
        final List<FencedBlock> blocks = FencedBlock.parse(List.of(
            "```java",
            "import java.util.List;",
            "List<Integer> xs = List.of(1, 2);",
            "```",
            "```java continued",
            "import java.util.List;",
            "import java.util.Set;",
            "System.out.println(Set.copyOf(xs).size());",
            "```"));
        assertTrue(blocks.get(1).hasWord(ReadmeSnippetsTest.CONTINUED));
        final JavaSnippet snippet = JavaSnippet.of("S", blocks, "BOUNDARY;");
        assertEquals(String.join("\n",
            "import java.util.List;",
            "import java.util.List;",
            "import java.util.Set;",
            "public final class S {",
            "public static void main(final String[] args) throws Exception {",
            "List<Integer> xs = List.of(1, 2);",
            "BOUNDARY;",
            "System.out.println(Set.copyOf(xs).size());",
            "}}",
            ""), snippet.source);
        assertEquals(8, snippet.readmeLine(8), "the continued block's statement is README line 8");
    }

    @Test
    void controlFlowAndCallsAreNotMethodDeclarations()
    {
        assertTrue(JavaSnippet.isMethodDeclaration("static List<String> names(final int n) throws IOException {"));
        for (final String statement : List.of("if (a) {", "for (int i = 0; i < 3; i++) {", "while (true) {",
            "synchronized (lock) {", "try {", "} else if (b) {", "foo(bar);", "Runnable r = () -> {",
            "new Thread(task) {", "else run(x) {"))
        {
            assertTrue(!JavaSnippet.isMethodDeclaration(statement), statement);
        }
        assertEquals(0, JavaSnippet.braceBalance("String s = \"{\" + '}'; // {"));
    }

    @Test
    void outputMayDifferOnlyInTimesDatesPidsAndDurations()
    {
        final FencedBlock shown = FencedBlock.parse(List.of(
            "```text",
            "list 'a' pid 12543 pushed 2026-12-07 11:25:03.459434",
            "  #0 11:25:03.473312 +17us pid=12543 main REF connect, (1)",
            "...",
            "done",
            "```")).get(0);
        assertNull(ExpectedOutput.mismatch(shown, String.join("\n",
            "list 'a' pid 9 pushed 2027-01-01 00:00:00.000001",
            "  #0 00:00:00.000002 +2ms pid=9 main REF connect, (1)",
            "anything",
            "else",
            "done",
            "")));
        assertNull(ExpectedOutput.mismatch(shown, String.join("\n",
            "list 'a' pid 9 pushed 2027-01-01 00:00:00.000001",
            "  #0 00:00:00.000002 +2ms pid=9 main REF connect, (1)",
            "done")), "... stands for no line too");

        final String wrongCount = ExpectedOutput.mismatch(shown, String.join("\n",
            "list 'a' pid 9 pushed 2027-01-01 00:00:00.000001",
            "  #0 00:00:00.000002 +2ms pid=9 main REF connect, (2)",
            "done"));
        assertTrue(wrongCount != null && wrongCount.startsWith("README line 3 shows"), wrongCount);
        final String missingEnd = ExpectedOutput.mismatch(shown, String.join("\n",
            "list 'a' pid 9 pushed 2027-01-01 00:00:00.000001",
            "  #0 00:00:00.000002 +2ms pid=9 main REF connect, (1)"));
        assertTrue(missingEnd != null && missingEnd.contains("README line 5 shows \"done\""), missingEnd);
        final String extra = ExpectedOutput.mismatch(shown, String.join("\n",
            "list 'a' pid 9 pushed 2027-01-01 00:00:00.000001",
            "  #0 00:00:00.000002 +2ms pid=9 main REF connect, (1)",
            "done",
            "more"));
        assertTrue(extra != null && extra.contains("printed more: \"more\""), extra);
    }
}
