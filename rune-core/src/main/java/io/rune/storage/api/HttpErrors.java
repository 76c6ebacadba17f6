package io.rune.storage.api;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refusals of requests that break HTTP itself (a request line too long, headers too large,
 * a chunked body that is not chunked), found before any route runs. They are the client's
 * mistakes: answered in API.md's error body, logged at DEBUG without a stack trace.
 */
final class HttpErrors {
  private static final Logger log = LoggerFactory.getLogger(HttpErrors.class);

  private HttpErrors() {}

  /** The server's invalid-request handler: what the decoder could not read, answered, then closed. */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ApiException error;
    if (cause instanceof TooLongHttpLineException) {
      error = new ApiException(414, "UriTooLong", "the request line is longer than the server reads"
          + " (" + HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH + " bytes); shorten the path and query,"
          + " e.g. a shorter labelSelector", null);
    } else if (cause instanceof TooLongHttpHeaderException) {
      error = new ApiException(431, "HeadersTooLarge", "the request headers are larger than the server reads"
          + " (" + HttpServerOptions.DEFAULT_MAX_HEADER_SIZE + " bytes); send fewer or shorter headers", null);
    } else {
      error = malformedRequest(cause);
    }
    log.debug("refused a request from {} the HTTP decoder could not read: {}",
        request.remoteAddress(), cause == null ? "?" : cause.toString());
    HttpServerResponse response = request.response();
    response.setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CONNECTION, "close").end(error.body().encode());
    request.connection().close();
  }

  static ApiException malformedRequest(Throwable cause) {
    return ApiException.malformedRequest(null, "the request is not well-formed HTTP"
        + (cause == null || cause.getMessage() == null ? "" : ": " + shortened(cause.getMessage())));
  }

  static ApiException badPercentEncoding(String part) {
    return ApiException.malformedRequest(null, "the " + part + " could not be decoded: each '%' must"
        + " start a valid percent-encoding ('%' and two hex digits) of UTF-8");
  }

  /**
   * Whether a route failed because the request stream broke under it: the decoder found the
   * body's framing wrong (a bad chunk size), or the client went away. BodyHandler hands such
   * failures on with status 200 (or 400 for a decoder exception).
   */
  static boolean isStreamFailure(int status, Throwable failure) {
    return failure instanceof DecoderException || failure instanceof TooLongFrameException
        || failure instanceof HttpClosedException || (status == 200 && failure != null);
  }

  /**
   * Sends what was written now. A broken request stream closes the connection as soon as the
   * failure handlers return, which drops an answer still waiting for the end of the read.
   */
  static void flushBeforeClose(HttpConnection connection) {
    if (connection instanceof io.vertx.core.net.impl.VertxConnection direct) {
      direct.flush();
    }
  }

  /** Messages from the decoder may quote the client's bytes: a short prefix of them is enough. */
  static String shortened(String text) {
    return text.length() <= 120 ? text : text.substring(0, 120) + "…";
  }
}
