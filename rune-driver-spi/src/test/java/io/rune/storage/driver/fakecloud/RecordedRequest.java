package io.rune.storage.driver.fakecloud;

import java.time.Instant;

/**
 * A request the fake received and what it answered. {@code time} is when it arrived;
 * {@code query} is null without a query string, {@code token} null without a bearer token,
 * {@code operation} the operationId of the contract (null for a method and path the contract
 * does not have). {@code retryNotBefore} is set on a 429: the time before which the token was
 * told not to come back.
 */
public record RecordedRequest(
    Instant time,
    String method,
    String path,
    String query,
    String token,
    String body,
    String operation,
    int status,
    Instant retryNotBefore) {
}
