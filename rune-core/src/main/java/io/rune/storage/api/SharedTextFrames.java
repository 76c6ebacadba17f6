package io.rune.storage.api;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;

/**
 * Writes text already encoded as UTF-8 to a WebSocket without copying it: one encoded watch
 * frame goes to many sockets. Vert.x's public API makes text frames only from a String (a copy
 * and a UTF-8 encoding per socket), so the frame is built by its implementation class, on a
 * slice of the shared bytes (each socket reads its own slice; the bytes are never released).
 */
final class SharedTextFrames {
  /**
   * runed's server keeps Vert.x's largest frame; writeTextMessage splits longer text into
   * fragments of this size, and so does this class, by handing such text to it.
   */
  private static final int MAX_FRAME_BYTES = HttpServerOptions.DEFAULT_MAX_WEBSOCKET_FRAME_SIZE;

  private SharedTextFrames() {}

  static Future<Void> write(ServerWebSocket socket, Buffer utf8) {
    if (utf8.length() > MAX_FRAME_BYTES) {
      return socket.writeTextMessage(utf8.toString(StandardCharsets.UTF_8));
    }
    return socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, ((BufferInternal) utf8).getByteBuf(), true));
  }
}
