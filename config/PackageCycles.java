import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

/**
 * Fails (exit code 1) when the compiled classes of a module have a package cycle, naming the packages and the
 * class dependencies that close it. Run by every module's build after compiling (root pom), as a single-file
 * program: {@code java config/PackageCycles.java CLASSES_DIRECTORY}. The module's root package is the longest
 * package that holds all of its {@code org.structhist} classes (org.structhist.alloc for offheap-alloc).
 * <p>
 * The class dependencies come from the JDK's jdeps. One rule shapes the package graph: a module's root package
 * is its API, and a class of it that uses no other package of the module (an exception, an enum, an interface
 * such as {@code Verb}) is API vocabulary that every layer may name; a dependency on such a class does not tie
 * the using package to the root package. Every other dependency is an edge, and any cycle of edges fails.
 */
public final class PackageCycles
{
    private static final String PROJECT_PACKAGE = "org.structhist";
    private static final Pattern CLASS_EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+\\S+$");

    private PackageCycles()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length != 1)
        {
            System.err.println("usage: java PackageCycles.java CLASSES_DIRECTORY");
            System.exit(2);
        }
        final Path classes = Path.of(args[0]);
        if (!Files.isDirectory(classes))
        {
            return; // a module without classes (the parent pom) has no packages to tie
        }
        final Map<String, Set<String>> classDependencies = classDependencies(classes);
        final String rootPackage = rootPackage(classDependencies.keySet());
        final Map<String, Map<String, List<String>>> packageEdges = packageEdges(classDependencies, rootPackage);
        final List<List<String>> cycles = stronglyConnected(packageEdges);
        if (cycles.isEmpty())
        {
            System.out.println("package cycles: none in " + classes + " (root package " + rootPackage + ")");
            return;
        }
        System.err.println("package cycles in " + classes + ":");
        for (final List<String> cycle : cycles)
        {
            System.err.println("  between " + String.join(", ", cycle) + ":");
            for (final String from : cycle)
            {
                for (final Map.Entry<String, List<String>> edge : packageEdges.get(from).entrySet())
                {
                    if (cycle.contains(edge.getKey()))
                    {
                        System.err.println("    " + from + " -> " + edge.getKey() + ": " + edge.getValue());
                    }
                }
            }
        }
        System.exit(1);
    }

    /** Class to the module's classes it uses, from jdeps -verbose:class. */
    private static Map<String, Set<String>> classDependencies(final Path classes)
    {
        final ToolProvider jdeps = ToolProvider.findFirst("jdeps")
            .orElseThrow(() -> new IllegalStateException("this JDK has no jdeps"));
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int status = jdeps.run(new PrintWriter(out), new PrintWriter(err),
            "-verbose:class", "-filter:none", classes.toString());
        if (status != 0)
        {
            throw new IllegalStateException("jdeps failed on " + classes + ": " + err);
        }
        final Map<String, Set<String>> dependencies = new TreeMap<>();
        for (final String line : out.toString().split("\n"))
        {
            final Matcher matcher = CLASS_EDGE.matcher(line);
            if (matcher.matches() && inProject(matcher.group(1)) && inProject(matcher.group(2)))
            {
                final Set<String> used =
                    dependencies.computeIfAbsent(outerClass(matcher.group(1)), c -> new TreeSet<>());
                used.add(outerClass(matcher.group(2)));
            }
        }
        return dependencies;
    }

    /** The longest package that holds every class found. */
    private static String rootPackage(final Set<String> classNames)
    {
        String root = null;
        for (final String className : classNames)
        {
            String candidate = packageOf(className);
            while (root != null && !candidate.isEmpty() &&
                !(root.equals(candidate) || root.startsWith(candidate + ".")))
            {
                candidate = packageOf(candidate);
            }
            root = root == null || root.length() > candidate.length() ? candidate : root;
        }
        return root == null ? PROJECT_PACKAGE : root;
    }

    /** Package to package, each edge with the class dependencies behind it; API vocabulary is no edge. */
    private static Map<String, Map<String, List<String>>> packageEdges(
        final Map<String, Set<String>> classDependencies, final String rootPackage)
    {
        final Map<String, Map<String, List<String>>> edges = new TreeMap<>();
        for (final Map.Entry<String, Set<String>> entry : classDependencies.entrySet())
        {
            final String fromPackage = packageOf(entry.getKey());
            edges.computeIfAbsent(fromPackage, p -> new TreeMap<>());
            for (final String target : entry.getValue())
            {
                final String toPackage = packageOf(target);
                if (!toPackage.equals(fromPackage) && !isVocabulary(target, classDependencies, rootPackage))
                {
                    edges.get(fromPackage).computeIfAbsent(toPackage, p -> new ArrayList<>())
                        .add(simpleName(entry.getKey()) + " -> " + simpleName(target));
                }
                edges.computeIfAbsent(toPackage, p -> new TreeMap<>());
            }
        }
        return edges;
    }

    /** A class of the root package that uses no other package of the module. */
    private static boolean isVocabulary(
        final String className, final Map<String, Set<String>> classDependencies, final String rootPackage)
    {
        if (!packageOf(className).equals(rootPackage))
        {
            return false;
        }
        for (final String used : classDependencies.getOrDefault(className, Set.of()))
        {
            if (!packageOf(used).equals(rootPackage))
            {
                return false;
            }
        }
        return true;
    }

    /** Tarjan's algorithm: every set of two or more packages that reach one another. */
    private static List<List<String>> stronglyConnected(final Map<String, Map<String, List<String>>> edges)
    {
        final Map<String, Integer> index = new HashMap<>();
        final Map<String, Integer> lowLink = new HashMap<>();
        final Deque<String> stack = new ArrayDeque<>();
        final Set<String> onStack = new TreeSet<>();
        final List<List<String>> components = new ArrayList<>();
        for (final String start : edges.keySet())
        {
            if (!index.containsKey(start))
            {
                visit(start, edges, index, lowLink, stack, onStack, components);
            }
        }
        return components;
    }

    private static void visit(
        final String node,
        final Map<String, Map<String, List<String>>> edges,
        final Map<String, Integer> index,
        final Map<String, Integer> lowLink,
        final Deque<String> stack,
        final Set<String> onStack,
        final List<List<String>> components)
    {
        index.put(node, index.size());
        lowLink.put(node, index.get(node));
        stack.push(node);
        onStack.add(node);
        for (final String next : edges.get(node).keySet())
        {
            if (!index.containsKey(next))
            {
                visit(next, edges, index, lowLink, stack, onStack, components);
                lowLink.put(node, Math.min(lowLink.get(node), lowLink.get(next)));
            }
            else if (onStack.contains(next))
            {
                lowLink.put(node, Math.min(lowLink.get(node), index.get(next)));
            }
        }
        if (lowLink.get(node).equals(index.get(node)))
        {
            final List<String> component = new ArrayList<>();
            String member;
            do
            {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            }
            while (!member.equals(node));
            if (component.size() > 1)
            {
                component.sort(null);
                components.add(component);
            }
        }
    }

    private static boolean inProject(final String className)
    {
        return className.startsWith(PROJECT_PACKAGE + ".");
    }

    /** Nested classes count as their outer class: a cycle is between packages, not within a file. */
    private static String outerClass(final String className)
    {
        final int dollar = className.indexOf('$');
        return dollar < 0 ? className : className.substring(0, dollar);
    }

    private static String packageOf(final String className)
    {
        final int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    private static String simpleName(final String className)
    {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
