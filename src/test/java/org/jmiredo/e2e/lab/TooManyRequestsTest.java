package org.jmiredo.e2e.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The test clients' reading of a 429 and its Retry-After (no lab needed). */
class TooManyRequestsTest {

    @Test
    void readsRetryAfterOnlyFromA429() {
        assertThat(TooManyRequests.inResponse("HTTP/1.1 429 Too Many Requests\r\ncontent-type: text/plain\r\n"
                        + "Retry-After: 2\r\ncontent-length: 17\r\n\r\ntoo many scrapes\n"))
                .hasValue(2);
        assertThat(TooManyRequests.inResponse("HTTP/1.1 429 Too Many Requests\r\n\r\n"))
                .hasValue(1);
        assertThat(TooManyRequests.inResponse(
                        "HTTP/1.1 429 Too Many Requests\r\nretry-after: Fri, 27 Nov 2026 20:00:00 GMT" + "\r\n\r\n"))
                .hasValue(1);
        assertThat(TooManyRequests.inResponse("HTTP/1.1 200 OK\r\nretry-after: 3\r\n\r\nx 429 y"))
                .isEmpty();
        assertThat(TooManyRequests.inResponse("")).isEmpty();
    }

    @Test
    void asksAgainAfterEachRefusalThenGivesTheLastAnswer() {
        List<String> answers =
                new ArrayList<>(List.of("HTTP/1.1 429 x\r\nRetry-After: 1\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\nok"));
        long start = System.nanoTime();
        assertThat(TooManyRequests.ask(answers::removeFirst, TooManyRequests::inResponse))
                .endsWith("ok");
        assertThat(System.nanoTime() - start).as("waited the Retry-After").isGreaterThanOrEqualTo(1_000_000_000L);
        assertThat(TooManyRequests.ask(() -> "HTTP/1.1 503 x\r\n\r\n", r -> OptionalLong.empty()))
                .startsWith("HTTP/1.1 503");
    }
}
