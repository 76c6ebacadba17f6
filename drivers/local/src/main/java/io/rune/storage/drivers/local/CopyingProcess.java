package io.rune.storage.drivers.local;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The bytes a running {@code cp} has written so far, read from the kernel's accounting of the
 * process rather than from the files it made: {@code wchar} of {@code /proc/<pid>/io}, which
 * counts write and copy_file_range alike once each call returns, plus what the calls still
 * under way put into the files below the partial that it has open. cp copies a file in one
 * copy_file_range call, so without the open files a copy of one large file would stand still
 * until the file is done. A call still under way has grown its file past the file's offset
 * (which the kernel moves when the call returns, as it adds the call to wchar), so what is
 * not yet counted is size − offset: each byte is counted once. Blocking (reads /proc): on the
 * walker thread.
 */
record CopyingProcess(long pid, Path partial) {

  private static final Path PROC = Path.of("/proc");
  private static final String WRITTEN = "wchar:";
  private static final String OFFSET = "pos:";

  /** The bytes written so far, or -1 once the process is gone (or its /proc unreadable). */
  long bytesWritten() throws IOException {
    Path process = PROC.resolve(Long.toString(pid));
    try {
      long written = field(process.resolve("io"), WRITTEN);
      return written < 0 ? -1 : written + bytesUnderWay(process);
    } catch (NoSuchFileException gone) {
      return -1;
    }
  }

  private long bytesUnderWay(Path process) throws IOException {
    long bytes = 0;
    try (DirectoryStream<Path> open = Files.newDirectoryStream(process.resolve("fd"))) {
      for (Path fd : open) {
        try {
          if (Files.readSymbolicLink(fd).startsWith(partial)) {
            long offset = field(process.resolve("fdinfo").resolve(fd.getFileName()), OFFSET);
            bytes += Math.max(0, Files.size(fd) - Math.max(0, offset));
          }
        } catch (NoSuchFileException closed) {
          // Closed between the listing and the look: its call has returned, so wchar holds it.
        }
      }
    }
    return bytes;
  }

  /** The number after {@code name} in a /proc file of "name value" lines, or -1 when there is none. */
  private static long field(Path file, String name) throws IOException {
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith(name)) {
        return Long.parseLong(line.substring(name.length()).strip());
      }
    }
    return -1;
  }
}
