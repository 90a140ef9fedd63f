package org.jmiredo.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigFormatTest {
    @Test
    void miredoDirectivesAreRecognised() {
        assertThat(ConfigFormat.detect(List.of("# comment", "", "RelayType cone")))
                .isEqualTo(ConfigFormat.MIREDO);
        assertThat(ConfigFormat.detect(List.of("Prefix 2001:0::"))).isEqualTo(ConfigFormat.MIREDO);
        // A misspelt directive is still Miredo syntax, so the error names the directive.
        assertThat(ConfigFormat.detect(List.of("ReleyType cone"))).isEqualTo(ConfigFormat.MIREDO);
    }

    @Test
    void hoconIsRecognised() {
        assertThat(ConfigFormat.detect(List.of("jmiredo.relay.bind-port = 3545")))
                .isEqualTo(ConfigFormat.HOCON);
        assertThat(ConfigFormat.detect(List.of("// c", "jmiredo {", "}"))).isEqualTo(ConfigFormat.HOCON);
        assertThat(ConfigFormat.detect(List.of("jmiredo : { }"))).isEqualTo(ConfigFormat.HOCON);
        assertThat(ConfigFormat.detect(List.of("jmiredo {relay.type = cone}"))).isEqualTo(ConfigFormat.HOCON);
        assertThat(ConfigFormat.detect(List.of("include \"base.conf\""))).isEqualTo(ConfigFormat.HOCON);
        assertThat(ConfigFormat.detect(List.of("# only comments"))).isEqualTo(ConfigFormat.HOCON);
    }
}
