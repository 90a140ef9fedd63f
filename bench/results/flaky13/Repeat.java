import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Runs the named test classes ROUNDS times in this JVM; prints each failing test and the counts. */
public class Repeat {
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        Map<String, int[]> counts = new TreeMap<>(); // test -> {runs, failures, skipped}
        Launcher launcher = LauncherFactory.create();
        for (int r = 1; r <= rounds; r++) {
            for (int a = 1; a < args.length; a++) {
                LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                        .selectors(selectClass(Class.forName(args[a]))).build();
                int round = r;
                launcher.execute(request, new TestExecutionListener() {
                    @Override
                    public void executionSkipped(TestIdentifier id, String reason) {
                        counts.computeIfAbsent(id.getDisplayName(), k -> new int[3])[2]++;
                    }

                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        if (!id.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                            return;
                        }
                        String name = id.getUniqueId().replaceAll(".*class:([^\\]]*)\\].*method:([^(]*).*", "$1#$2");
                        int[] c = counts.computeIfAbsent(name, k -> new int[3]);
                        c[0]++;
                        if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                            c[1]++;
                            String why = result.getThrowable().map(t -> t.toString().replace('\n', ' ')).orElse("?");
                            System.out.println("FAIL round " + round + " " + name + ": "
                                    + why.substring(0, Math.min(400, why.length())));
                        }
                    }
                });
            }
            System.out.println("round " + r + " done");
        }
        counts.forEach((k, c) -> System.out.printf("%-100s runs %d failed %d skipped %d%n", k, c[0], c[1], c[2]));
    }
}
