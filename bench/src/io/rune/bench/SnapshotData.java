package io.rune.bench;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The data sets of the snapshot benchmark, written straight into a volume's directory: every
 * byte written (no holes) and pseudo-random (neither zero nor compressible), so that neither a
 * sparse-aware copy nor a compressing file system has less to do than a real volume would.
 */
final class SnapshotData {
  /** Largest write; one file of 1 GiB is written in pieces of this size. */
  private static final int CHUNK = 4 << 20;

  private SnapshotData() {}

  /**
   * A data set: {@code files} files of {@code fileBytes} each, {@code perDirectory} of them in
   * each subdirectory (a single file is written at the top of the volume).
   */
  record Shape(String volume, String title, int files, int perDirectory, long fileBytes) {
    long bytes() {
      return files * fileBytes;
    }

    int directories() {
      return files == 1 ? 0 : (files + perDirectory - 1) / perDirectory;
    }
  }

  /** A tree as found on disk: regular files, directories below the top, their bytes. */
  record Tree(long files, long directories, long bytes) {
    String describe() {
      return String.format("%,d files in %,d directories, %,d bytes", files, directories, bytes);
    }
  }

  static void fill(Path dir, Shape shape, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(shape.fileBytes(), CHUNK));
    for (int i = 0; i < shape.files(); i++) {
      Path parent = dir;
      String name = "data.bin";
      if (shape.files() > 1) {
        parent = dir.resolve(String.format("d%03d", i / shape.perDirectory()));
        name = String.format("f%05d.bin", i);
        if (i % shape.perDirectory() == 0) {
          Files.createDirectory(parent);
        }
      }
      try (FileChannel out = FileChannel.open(parent.resolve(name), CREATE_NEW, WRITE)) {
        for (long left = shape.fileBytes(); left > 0; ) {
          random.nextBytes(buffer.array());
          buffer.clear().limit((int) Math.min(left, buffer.capacity()));
          while (buffer.hasRemaining()) {
            left -= out.write(buffer);
          }
        }
      }
    }
  }

  /** Counts a tree without following links. Blocking. */
  static Tree measure(Path dir) throws IOException {
    long[] counts = new long[3];
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
        if (!d.equals(dir)) {
          counts[1]++;
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          counts[0]++;
          counts[2] += attrs.size();
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return new Tree(counts[0], counts[1], counts[2]);
  }

  /** The bytes the file system allocated to a tree (du), to show it is not sparse. */
  static long allocatedBytes(Path dir) throws IOException, InterruptedException {
    String out = Command.run(List.of("du", "-s", "-B1", "--", dir.toString()), Duration.ofMinutes(2)).output();
    return Long.parseLong(out.split("\\s+")[0]);
  }
}
