package org.jmiredo.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version, from the Maven descriptor that maven-jar-plugin puts in the jar (and the shaded jar keeps). */
public final class Version implements IVersionProvider {
    private static final String DESCRIPTOR = "/META-INF/maven/org.jmiredo/relay-server/pom.properties";

    /** "0.1.0-SNAPSHOT", or "development build" when run from the class directories. */
    public static String current() {
        try (InputStream in = Version.class.getResourceAsStream(DESCRIPTOR)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // fall through: the version is informative only
        }
        return "development build";
    }

    @Override
    public String[] getVersion() {
        String java = "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")";
        return new String[] {"jmiredo " + current(), java};
    }
}
