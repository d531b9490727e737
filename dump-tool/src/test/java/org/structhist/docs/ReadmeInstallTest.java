package org.structhist.docs;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README's install path is the build's: the {@code <dependency>} snippet names modules this build makes,
 * in the build's group and version, and the install command README shows skips the tests (which, by
 * stress-tests' pom, skips its jcstress gate too).
 */
class ReadmeInstallTest
{
    @Test
    void theDependencySnippetNamesThisBuildsCoordinates() throws Exception
    {
        final Path root = Repository.root();
        final Element pom = parse(Files.readString(root.resolve("pom.xml"))).getDocumentElement();
        final String groupId = child(pom, "groupId");
        final String version = child(pom, "version");
        final List<String> modules = new ArrayList<>();
        final NodeList moduleNodes = pom.getElementsByTagName("module");
        for (int i = 0; i < moduleNodes.getLength(); i++)
        {
            modules.add(moduleNodes.item(i).getTextContent().trim());
        }

        final List<String> artifacts = new ArrayList<>();
        for (final FencedBlock block : FencedBlock.parse(Files.readAllLines(root.resolve("README.md"))))
        {
            if (!"xml".equals(block.language()))
            {
                continue;
            }
            final Document snippet = parse("<snippet>" + String.join("\n", block.lines) + "</snippet>");
            final NodeList dependencies = snippet.getElementsByTagName("dependency");
            for (int i = 0; i < dependencies.getLength(); i++)
            {
                final Element dependency = (Element)dependencies.item(i);
                final String artifactId = child(dependency, "artifactId");
                final String where = block.where("README.md") + ", " + artifactId;
                assertEquals(groupId, child(dependency, "groupId"), where);
                assertEquals(version, child(dependency, "version"), where);
                assertTrue(modules.contains(artifactId), where + " is not a module of pom.xml: " + modules);
                artifacts.add(artifactId);
            }
        }
        assertEquals(List.of("struct-history", "offheap-alloc"), artifacts,
            "README's <dependency> snippet names the two libraries users depend on");
    }

    @Test
    void theInstallCommandSkipsTheTests() throws Exception
    {
        final List<String> installs = new ArrayList<>();
        for (final FencedBlock block : FencedBlock.parse(Files.readAllLines(Repository.root().resolve("README.md"))))
        {
            if ("sh".equals(block.language()))
            {
                for (final String line : block.lines)
                {
                    final List<String> words = List.of(line.trim().split("\\s+"));
                    if ("mvn".equals(words.get(0)) && words.contains("install"))
                    {
                        installs.add(line.trim());
                    }
                }
            }
        }
        assertFalse(installs.isEmpty(), "README shows no `mvn ... install` command");
        for (final String install : installs)
        {
            assertTrue(List.of(install.split("\\s+")).contains("-DskipTests"),
                "README's install command runs every test, stress gates included: " + install);
        }
    }

    private static Document parse(final String xml) throws Exception
    {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    /** The text of an element's direct child; fails the test when it has none. */
    private static String child(final Element parent, final String name)
    {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling())
        {
            if (node instanceof Element && name.equals(node.getNodeName()))
            {
                return node.getTextContent().trim();
            }
        }
        throw new AssertionError("<" + parent.getNodeName() + "> has no <" + name + ">");
    }
}
