package org.jmiredo.e2e.lab;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The tests' HTTP clients honour the metrics endpoint's scrape budget ({@code metrics.scrapes-per-second}: a source
 * scraping more than its half of it is answered {@code 429 Too Many Requests} with a {@code Retry-After}): they wait
 * as told and ask again, a few times, so that a test that polls /metrics ({@link Poll#settled}, four scrapes a second
 * at most) is never failed by the budget whatever else scrapes the same daemon meanwhile.
 */
public final class TooManyRequests {
    /** A refusal and its retry are a second apart, and a source gets 5 scrapes a second by default: ample. */
    static final int ATTEMPTS = 6;
    /** A Retry-After beyond this is not the endpoint's (it names a second or two); wait this long at most. */
    private static final long MAX_WAIT_SECONDS = 5;

    private TooManyRequests() {}

    /**
     * Asks until the answer is not a 429, at most {@link #ATTEMPTS} times, waiting each time what
     * {@code retryAfter} reads from the answer (empty: not a 429); returns the last answer.
     */
    public static <T> T ask(Supplier<T> request, Function<T, OptionalLong> retryAfter) {
        T answer = request.get();
        for (int attempt = 1; attempt < ATTEMPTS; attempt++) {
            OptionalLong wait = retryAfter.apply(answer);
            if (wait.isEmpty()) {
                return answer;
            }
            Poll.sleep(TimeUnit.SECONDS.toMillis(Math.clamp(wait.getAsLong(), 1, MAX_WAIT_SECONDS)));
            answer = request.get();
        }
        return answer;
    }

    /**
     * A raw HTTP response's Retry-After in seconds when its status is 429 (1 when it names none or a date); empty
     * for any other status or no response.
     */
    public static OptionalLong inResponse(String response) {
        int headEnd = response.indexOf("\r\n\r\n");
        String head = headEnd < 0 ? response : response.substring(0, headEnd);
        String[] status = head.lines().findFirst().orElse("").split(" ");
        if (status.length < 2 || !status[1].equals("429")) {
            return OptionalLong.empty();
        }
        return head.lines()
                .skip(1)
                .filter(l -> l.toLowerCase(Locale.ROOT).startsWith("retry-after:"))
                .findFirst()
                .map(l -> seconds(l.substring("retry-after:".length())))
                .orElse(OptionalLong.of(1));
    }

    /** Retry-After's delay-seconds (RFC 9110 §10.2.3); 1 for an HTTP-date or nothing. */
    public static OptionalLong seconds(String value) {
        try {
            return OptionalLong.of(Long.parseLong(value.strip()));
        } catch (NumberFormatException date) {
            return OptionalLong.of(1);
        }
    }
}
