package io.rune.storage.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Real file trees for copy tests: one with every kind of entry, and a fingerprint to compare them by. */
public final class FileTrees {
  private FileTrees() {}

  /**
   * Writes nested directories, a symlink, a hard link pair, files with unusual modes and one
   * file of {@code largeBytes} (not sparse: real data to copy).
   */
  public static void populate(Path root, long largeBytes) throws IOException {
    Path nested = Files.createDirectories(root.resolve("a/b/c"));
    Files.writeString(nested.resolve("deep.txt"), "deep down");
    Files.writeString(root.resolve("a/config.yml"), "key: value\n");
    Files.setPosixFilePermissions(root.resolve("a/config.yml"), PosixFilePermissions.fromString("rw-------"));
    Path script = Files.writeString(root.resolve("a/run.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
    Files.setPosixFilePermissions(root.resolve("a/b"), PosixFilePermissions.fromString("rwx--x---"));
    Files.createSymbolicLink(root.resolve("link-to-deep"), Path.of("a/b/c/deep.txt"));
    Files.writeString(root.resolve("original"), "shared by two names");
    Files.createLink(root.resolve("hardlink"), root.resolve("original"));
    byte[] block = new byte[1 << 20];
    for (int i = 0; i < block.length; i++) {
      block[i] = (byte) (i * 31 + 7);
    }
    try (OutputStream out = Files.newOutputStream(root.resolve("large.bin"))) {
      for (long written = 0; written < largeBytes; written += block.length) {
        block[0] = (byte) (written >> 20); // every block differs a little
        out.write(block, 0, (int) Math.min(block.length, largeBytes - written));
      }
    }
  }

  /**
   * Each entry (relative path) with its type, mode, size and content hash (files) or target
   * (links), plus which entries are hard links of one another: equal fingerprints mean equal
   * trees for everything a restore must keep.
   */
  public static Map<String, String> fingerprint(Path root) {
    Map<String, String> entries = new TreeMap<>();
    Map<Object, String> firstNameOfInode = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path path : (Iterable<Path>) walk.sorted()::iterator) {
        String name = root.relativize(path).toString();
        if (name.isEmpty()) {
          continue;
        }
        if (Files.isSymbolicLink(path)) {
          entries.put(name, "link -> " + Files.readSymbolicLink(path));
          continue;
        }
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          entries.put(name, "dir " + mode);
        } else {
          Object inode = Files.getAttribute(path, "unix:ino", LinkOption.NOFOLLOW_LINKS);
          String sameAs = firstNameOfInode.putIfAbsent(inode.toString(), name);
          entries.put(name, "file " + mode + " " + Files.size(path) + " " + sha256(path)
              + (sameAs != null ? " hardlink-of " + sameAs : ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return entries;
  }

  private static String sha256(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
