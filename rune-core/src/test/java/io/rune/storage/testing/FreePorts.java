package io.rune.storage.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for servers a test starts in another process (runed, Hazelcast members, PostgreSQL),
 * which bind them a second or more after the test picked them. Not from the kernel's
 * ephemeral range: every outgoing connection of every test JVM takes its local port from
 * there, so a port picked there can be taken by some connection before the server binds it.
 * Below the range only an explicit bind takes a port, and a random pick that binds now, never
 * handed out twice by this JVM, is left alone by the other test JVMs too but for a rare clash.
 */
public final class FreePorts {
  /** Below Linux's default ephemeral range (32768-60999), above the well-known services. */
  private static final int LOW = 15_000;
  private static final int HIGH = 32_768;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePorts() {}

  /** A port that 127.0.0.1 and the wildcard address can bind now. */
  public static int next() {
    for (int tries = 0; tries < 200; tries++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
      if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new UncheckedIOException(new IOException("no free port between " + LOW + " and " + HIGH + " in 200 tries"));
  }

  private static boolean bindable(int port) {
    try (ServerSocket wildcard = new ServerSocket()) {
      wildcard.bind(new InetSocketAddress(port));
    } catch (IOException e) {
      return false;
    }
    try (ServerSocket loopback = new ServerSocket()) {
      loopback.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
