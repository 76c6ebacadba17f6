package io.rune.storage.api;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server WebSocket accepts from its client, as RFC 6455 wants: text that is UTF-8
 * (else close 1007), and frames the decoder refuses (a reserved bit set while no extension
 * was offered) closed with the decoder's code (1002) instead of logged as server errors.
 */
final class WebSocketInput {
  private static final Logger log = LoggerFactory.getLogger(WebSocketInput.class);
  private static final short INVALID_PAYLOAD = 1007;
  private static final short TOO_BIG = 1009;
  /** Watchers only listen: no message of theirs needs more. */
  private static final int MAX_MESSAGE_BYTES = 64 * 1024;

  private final ServerWebSocket socket;
  private Buffer text;

  private WebSocketInput(ServerWebSocket socket) {
    this.socket = socket;
  }

  /** Checks the client's frames on {@code socket}; call it before the socket's own handlers are set. */
  static void check(ServerWebSocket socket, HttpConnection upgraded) {
    WebSocketInput input = new WebSocketInput(socket);
    socket.frameHandler(input::frame);
    socket.exceptionHandler(failure -> {
      log.debug("watch socket from {} failed: {}", socket.remoteAddress(), failure.toString());
      if (failure instanceof CorruptedWebSocketFrameException corrupted) {
        // The decoder's exception closes the connection right after this handler: the close
        // frame must leave now, not at the end of the read.
        socket.close((short) corrupted.closeStatus().code(), corrupted.closeStatus().reasonText());
        HttpErrors.flushBeforeClose(upgraded);
      }
    });
  }

  private void frame(WebSocketFrame frame) {
    if (frame.isText()) {
      text = Buffer.buffer();
    } else if (!frame.isContinuation() || text == null) {
      return;
    }
    text.appendBuffer(frame.binaryData());
    if (text.length() > MAX_MESSAGE_BYTES) {
      text = null;
      socket.close(TOO_BIG, "messages to a watch are at most " + MAX_MESSAGE_BYTES + " bytes");
    } else if (frame.isFinal()) {
      Buffer message = text;
      text = null;
      if (!isUtf8(message)) {
        log.debug("closing a watch socket from {}: a text message that is not UTF-8", socket.remoteAddress());
        socket.close(INVALID_PAYLOAD, "text messages must be UTF-8");
      }
    }
  }

  private static boolean isUtf8(Buffer bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.getBytes()));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
