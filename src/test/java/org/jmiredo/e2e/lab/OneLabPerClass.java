package org.jmiredo.e2e.lab;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The base of a lab test class: one lab serves all its methods, which run in {@link
 * org.junit.jupiter.api.Order} (later ones may stop or restart what earlier ones used). The lab is
 * opened before the first method and closed after the last, also when opening it or a subclass's own
 * {@code @BeforeAll} (which runs after this one's) failed, so no namespace outlives the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class OneLabPerClass {

    private AutoCloseable lab;

    /**
     * Checks the preconditions (a skip, or a failure under {@code CI=true}), builds the lab and returns
     * what closes it. An implementation that fails half way tears down what it built (see
     * {@link LabRun#orClose}).
     */
    protected abstract AutoCloseable openLab();

    @BeforeAll
    @Timeout(120)
    protected final void openTheLab() {
        lab = openLab();
    }

    @AfterAll
    protected final void closeTheLab() throws Exception {
        if (lab != null) {
            lab.close();
            lab = null;
        }
    }
}
