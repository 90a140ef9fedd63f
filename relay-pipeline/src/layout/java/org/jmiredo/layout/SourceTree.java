package org.jmiredo.layout;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.LineMap;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreeScanner;
import com.sun.source.util.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * A module's main sources as javac parses them (syntax only, nothing resolved): what each file names
 * outside its own package, how long each file and method is. The layout tests of relay-pipeline and
 * relay-server (STYLE.md item 8) state their rules over it, those both share in {@link ModuleLayoutTest}; both
 * modules compile this folder (their poms add {@code relay-pipeline/src/layout/java} to their test sources).
 * The JDK's own compiler API, so no dependency is added.
 *
 * <p>Names are read from imports (static ones and {@code .*} too) and from qualified names in code
 * ({@code java.lang.foreign.Linker.nativeLinker()}), not from comments. A name that javac would inline (a
 * constant) still counts, which reading the compiled classes would miss.
 */
public final class SourceTree {
    /** A name outside the file's package: {@code target} is a type, a static member or {@code pkg.*}. */
    public record Reference(String fromPackage, String target, String file, long line) {
        @Override
        public String toString() {
            return file + ":" + line + " (" + fromPackage + ") uses " + target;
        }
    }

    /** A method or constructor (named {@code <init>}), with its length in lines from its first modifier to its brace. */
    public record Method(String file, String name, long line, long lines) {
        @Override
        public String toString() {
            return file + ":" + line + " " + name + " is " + lines + " lines";
        }
    }

    /** A source file, its package and its length in lines. */
    public record SourceFile(String file, String packageName, long lines) {}

    /** Qualified names in code that start like a package (a lower-case root, then a type). */
    private static final Pattern QUALIFIED =
            Pattern.compile("(java|javax|jdk|sun|com|io|org|net)(\\.[a-z0-9_]+)*\\.[A-Z].*");

    private final List<SourceFile> files = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();
    private final List<Method> methods = new ArrayList<>();

    private SourceTree() {}

    /** Parses every {@code .java} file under {@code root} (a module's {@code src/main/java}). */
    public static SourceTree parse(Path root) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        if (paths.isEmpty()) {
            throw new IllegalStateException("no sources under " + root.toAbsolutePath());
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        SourceTree tree = new SourceTree();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(paths);
            JavacTask task = (JavacTask) compiler.getTask(null, files, null, List.of("-proc:none"), null, units);
            SourcePositions positions = Trees.instance(task).getSourcePositions();
            for (CompilationUnitTree unit : task.parse()) {
                tree.read(root, unit, positions);
            }
        }
        return tree;
    }

    public List<SourceFile> files() {
        return files;
    }

    public List<Reference> references() {
        return references;
    }

    public List<Method> methods() {
        return methods;
    }

    /**
     * Files over {@code limit} lines that {@code allowed} (file to reason) does not name, and the names in
     * {@code allowed} that no longer need it: gone, or clearly short again (at most 90 % of {@code limit}; the
     * margin keeps a merge that moves a file or method around the bound from failing either way).
     */
    public List<String> longFiles(int limit, Map<String, String> allowed) {
        List<String> found = new ArrayList<>();
        Map<String, Long> lengths = new HashMap<>();
        for (SourceFile f : files) {
            lengths.merge(f.file(), f.lines(), Math::max);
            if (f.lines() > limit && !allowed.containsKey(f.file())) {
                found.add(f.file() + " is " + f.lines() + " lines");
            }
        }
        stale(allowed, lengths, limit, found);
        return found;
    }

    /** The same for methods, named {@code file:name} in {@code allowed}. */
    public List<String> longMethods(int limit, Map<String, String> allowed) {
        List<String> found = new ArrayList<>();
        Map<String, Long> lengths = new HashMap<>();
        for (Method m : methods) {
            String name = m.file() + ":" + m.name();
            lengths.merge(name, m.lines(), Math::max);
            if (m.lines() > limit && !allowed.containsKey(name)) {
                found.add(m.toString());
            }
        }
        stale(allowed, lengths, limit, found);
        return found;
    }

    private static void stale(Map<String, String> allowed, Map<String, Long> lengths, int limit, List<String> found) {
        allowed.keySet().stream()
                .filter(name -> lengths.getOrDefault(name, 0L) * 10 <= limit * 9L)
                .sorted()
                .forEach(name -> found.add(name + " is allowed to be long but is not (" + lengths.getOrDefault(name, 0L)
                        + " lines): remove it from the list"));
    }

    private void read(Path root, CompilationUnitTree unit, SourcePositions positions) throws IOException {
        String file = root.toAbsolutePath()
                .relativize(Path.of(unit.getSourceFile().toUri()))
                .toString();
        String pkg = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
        LineMap lines = unit.getLineMap();
        long length =
                lines.getLineNumber(unit.getSourceFile().getCharContent(true).length());
        files.add(new SourceFile(file, pkg, length));
        for (ImportTree imported : unit.getImports()) {
            String name = imported.getQualifiedIdentifier().toString();
            references.add(
                    new Reference(pkg, name, file, lines.getLineNumber(positions.getStartPosition(unit, imported))));
        }
        new TreeScanner<Void, Void>() {
            @Override
            public Void visitImport(ImportTree node, Void unused) {
                return null; // read above
            }

            @Override
            public Void visitMemberSelect(MemberSelectTree node, Void unused) {
                String name = node.toString();
                if (QUALIFIED.matcher(name).matches()) {
                    references.add(new Reference(
                            pkg, name, file, lines.getLineNumber(positions.getStartPosition(unit, node))));
                    return null;
                }
                return super.visitMemberSelect(node, unused);
            }

            @Override
            public Void visitMethod(MethodTree node, Void unused) {
                long first = lines.getLineNumber(positions.getStartPosition(unit, node));
                long last = lines.getLineNumber(positions.getEndPosition(unit, node));
                methods.add(new Method(file, node.getName().toString(), first, last - first + 1));
                return super.visitMethod(node, unused);
            }
        }.scan(unit, null);
    }

    /** The package a {@link Reference#target()} lies in: the names before its first capitalised one. */
    public static String packageOf(String target) {
        StringBuilder pkg = new StringBuilder();
        for (String part : target.split("\\.")) {
            if (part.equals("*") || Character.isUpperCase(part.charAt(0))) {
                break;
            }
            pkg.append(pkg.isEmpty() ? "" : ".").append(part);
        }
        return pkg.toString();
    }

    /** Whether {@code name} is {@code prefix} or lies within it ({@code a.b.C} within {@code a.b}, not {@code a.bc}). */
    public static boolean within(String name, String prefix) {
        return name.equals(prefix) || name.startsWith(prefix + ".");
    }

    /** Whether {@code r} comes from the type named {@code name} or from a package or type within it. */
    public static boolean from(Reference r, String name) {
        String type = r.fromPackage() + "." + r.file().replaceAll(".*/", "").replace(".java", "");
        return within(type, name);
    }
}
