package io.rune.storage;

import io.rune.storage.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proof that this server alone uses a data directory: an exclusive lock on
 * {@code <dataDir>/runed.lock}, held from before anything else in the directory is read or
 * written until the server stops. The operating system drops the lock when the process
 * dies, even by kill -9, so a restart after a crash takes it again.
 *
 * <p>Only the holder may act on what an earlier server left behind (an orphaned embedded
 * PostgreSQL): without the lock, a live database in the directory may be another server's.
 *
 * <p>The lock is a POSIX record lock, which belongs to the whole process and is lost when
 * the process closes <em>any</em> descriptor of the file. So a second server in this JVM
 * (two verticles on one directory) is refused from a table of the directories held here,
 * without opening the file, rather than by the file lock.
 *
 * <p>Blocking file work: call it on a worker thread.
 */
public final class DataDirLock implements AutoCloseable {
  static final String FILE_NAME = "runed.lock";
  /** Directories locked by this JVM, by file key (device and inode), so aliases are one entry. */
  private static final Map<Object, Path> HELD = new ConcurrentHashMap<>();

  private final Path dataDir;
  private final Object key;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(Path dataDir, Object key, FileChannel channel, FileLock lock) {
    this.dataDir = dataDir;
    this.key = key;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code dataDir} (created if missing), or fails, changing nothing in
   * the directory, when another server holds it.
   *
   * @throws ConfigException when the directory is in use; the message names the holder's pid
   */
  public static DataDirLock acquire(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    Object key = Files.readAttributes(dataDir, BasicFileAttributes.class).fileKey();
    if (key == null) {
      key = dataDir.toRealPath(); // a file system without inodes: the real path is the identity
    }
    if (HELD.putIfAbsent(key, dataDir) != null) {
      throw inUse(dataDir, ProcessHandle.current().pid() + ", this same process");
    }
    try {
      return lock(dataDir, key);
    } catch (IOException | RuntimeException e) {
      HELD.remove(key);
      throw e;
    }
  }

  private static DataDirLock lock(Path dataDir, Object key) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (IOException | OverlappingFileLockException e) {
      channel.close();
      throw e instanceof IOException io ? io : new IOException(e);
    }
    if (lock == null) {
      String holder = holderPid(channel);
      channel.close(); // this process held no lock on the file, so closing releases nobody's
      throw inUse(dataDir, holder);
    }
    // The holder's pid, for the message of the next server that finds the directory taken.
    byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(pid), 0);
    return new DataDirLock(dataDir, key, channel, lock);
  }

  private static String holderPid(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(32);
      channel.read(buffer, 0);
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).trim();
      return text.matches("\\d+") ? text : "unknown";
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static ConfigException inUse(Path dataDir, String pid) {
    return new ConfigException("data directory " + dataDir + " is in use by another runed (pid " + pid
        + "); stop it first or use another --data-dir");
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Releases the lock; the file stays (removing it would race with a server taking it). */
  @Override
  public void close() throws IOException {
    try {
      if (lock.isValid()) {
        lock.release();
      }
      channel.close();
    } finally {
      HELD.remove(key, dataDir);
    }
  }
}
