package io.rune.storage.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket spoken byte by byte, to send frames no library sends: reserved bits set,
 * text that is not UTF-8. It offers no extension, so no reserved bit has a meaning.
 */
public final class RawWebSocket implements AutoCloseable {
  /** What {@link #awaitClose} saw: no close frame before the end of the stream. */
  public static final int NO_CLOSE_FRAME = -1;
  /** What {@link #awaitClose} saw: neither a close frame nor the end, before the timeout. */
  public static final int STILL_OPEN = -2;

  private final Socket socket;
  private final DataInputStream in;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
  }

  /** Opens {@code path} with the token in the Authorization header; fails unless the server answers 101. */
  public static RawWebSocket open(int port, String path, String token) {
    try {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      String handshake = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Authorization: Bearer " + token + "\r\n\r\n";
      socket.getOutputStream().write(handshake.getBytes(StandardCharsets.ISO_8859_1));
      RawWebSocket ws = new RawWebSocket(socket);
      String head = ws.readHead();
      if (!head.startsWith("HTTP/1.1 101")) {
        socket.close();
        throw new IllegalStateException("no upgrade: " + head);
      }
      return ws;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      head.write(in.readUnsignedByte());
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** Sends one final, masked frame: {@code rsv} goes into bits 4-6 of the first byte (0 to 7). */
  public void send(int rsv, int opcode, byte[] payload) {
    try {
      ByteArrayOutputStream frame = new ByteArrayOutputStream();
      frame.write(0x80 | (rsv & 7) << 4 | opcode);
      if (payload.length < 126) {
        frame.write(0x80 | payload.length);
      } else {
        frame.write(0x80 | 126);
        frame.write(payload.length >> 8);
        frame.write(payload.length & 0xff);
      }
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      frame.write(mask);
      for (int i = 0; i < payload.length; i++) {
        frame.write(payload[i] ^ mask[i % 4]);
      }
      socket.getOutputStream().write(frame.toByteArray());
      socket.getOutputStream().flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads frames (skipping the server's text frames) until a close frame, the end of the
   * stream or {@code timeoutMillis}: the close code, {@link #NO_CLOSE_FRAME} or {@link #STILL_OPEN}.
   */
  public int awaitClose(int timeoutMillis) {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
    try {
      while (System.nanoTime() < deadline) {
        socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        int first = in.readUnsignedByte();
        int second = in.readUnsignedByte();
        long length = second & 0x7f;
        if (length == 126) {
          length = in.readUnsignedShort();
        } else if (length == 127) {
          length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        if ((first & 0x0f) == 0x8) {
          return payload.length >= 2 ? (payload[0] & 0xff) << 8 | (payload[1] & 0xff) : 1005;
        }
      }
      return STILL_OPEN;
    } catch (SocketTimeoutException e) {
      return STILL_OPEN;
    } catch (EOFException | java.net.SocketException e) {
      return NO_CLOSE_FRAME;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing a socket the server may have closed already.
    }
  }
}
