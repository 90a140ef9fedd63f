import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Build step of relay-server (its pom runs this single-file program on the shaded jar at {@code package}):
 * rewrites every class file older than Java 6's format (major version below 50) as a Java 8 class file (52) with
 * the stack map frames that format requires, its code otherwise unchanged, and checks that each one loads and
 * passes the JVM's verifier.
 *
 * <p>Why: picocli 4.7 is compiled for Java 5 (49). The JDK's AOT cache (JEP 483) leaves out every class that the
 * old, type-inferring verifier linked ("Skipping picocli/...: Old class has been linked" when the cache is made),
 * and with it each class that implements one of picocli's interfaces; so at every start of a daemon the JVM parsed,
 * verified and linked up to 174 of picocli's classes anew from the jar, and ran them without the cache's profiles
 * (BENCHMARKS.md, "Twelfth iteration: start-up"). Rewritten, they come from the cache like the rest.
 *
 * <p>Usage: {@code java RetargetOldClasses.java JAR}. A jar without such classes is left untouched (its
 * modification time too, which the launcher's cache key reads).
 */
public final class RetargetOldClasses {
    private static final int JAVA_6 = 50;
    private static final int JAVA_8 = 52;

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: java RetargetOldClasses.java JAR");
        }
        Path jar = Path.of(args[0]);
        Map<String, ZipEntry> entries = new LinkedHashMap<>();
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                try (InputStream in = zip.getInputStream(entry)) {
                    entries.put(entry.getName(), entry);
                    bytes.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        List<String> rewritten = rewrite(bytes);
        if (rewritten.isEmpty()) {
            System.out.println("RetargetOldClasses: " + jar + ": no class older than Java 6's format");
            return;
        }
        Path temporary = jar.resolveSibling(jar.getFileName() + ".retarget");
        write(temporary, entries, bytes);
        verify(temporary, rewritten);
        Files.move(temporary, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("RetargetOldClasses: " + jar + ": " + rewritten.size()
                + " classes rewritten from Java 5's format to Java 8's, each verified");
    }

    /** Rewrites the old classes among {@code bytes} in place; returns their binary names. */
    private static List<String> rewrite(Map<String, byte[]> bytes) {
        // Stack map frames name the common superclass of two types: picocli's own come from the jar, the rest
        // from the JDK running this program.
        ClassHierarchyResolver fromJar = ClassHierarchyResolver.ofResourceParsing(desc -> {
            byte[] b = bytes.get(
                    desc.descriptorString().substring(1, desc.descriptorString().length() - 1) + ".class");
            return b == null ? null : new ByteArrayInputStream(b);
        });
        ClassFile classFile = ClassFile.of(
                ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                ClassFile.ConstantPoolSharingOption.NEW_POOL,
                ClassFile.ClassHierarchyResolverOption.of(fromJar.orElse(ClassHierarchyResolver.defaultResolver())));
        ClassTransform version = (builder, element) ->
                builder.with(element instanceof ClassFileVersion ? ClassFileVersion.of(JAVA_8, 0) : element);
        // Every method body rebuilt, so that its frames are computed; instructions pass through as they are.
        ClassTransform transform = version.andThen(ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL));
        List<String> rewritten = new ArrayList<>();
        for (Map.Entry<String, byte[]> entry : bytes.entrySet()) {
            if (!entry.getKey().endsWith(".class") || entry.getKey().startsWith("META-INF/")) {
                continue;
            }
            ClassModel model = classFile.parse(entry.getValue());
            if (model.majorVersion() >= JAVA_6) {
                continue;
            }
            entry.setValue(classFile.transformClass(model, transform));
            rewritten.add(model.thisClass().asInternalName().replace('/', '.'));
        }
        return rewritten;
    }

    private static void write(Path target, Map<String, ZipEntry> entries, Map<String, byte[]> bytes)
            throws IOException {
        try (OutputStream file = Files.newOutputStream(target);
                ZipOutputStream zip = new ZipOutputStream(file)) {
            for (Map.Entry<String, ZipEntry> e : entries.entrySet()) {
                ZipEntry copy = new ZipEntry(e.getKey());
                copy.setTime(e.getValue().getTime());
                zip.putNextEntry(copy);
                zip.write(bytes.get(e.getKey()));
                zip.closeEntry();
            }
        }
    }

    /** Loads, links and initialises each rewritten class from the new jar: a frame the verifier refuses fails here. */
    private static void verify(Path jar, List<String> classes) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            for (String name : classes) {
                Class.forName(name, true, loader);
            }
        }
    }
}
