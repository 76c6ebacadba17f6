package io.rune.storage.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The files {@code -f} names, read whole, with errors that say which file and why. */
final class InputFiles {
  private InputFiles() {}

  /** The bytes of {@code file}, or of standard input for {@code -}. */
  static byte[] read(String file) {
    try {
      return file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new CliException("cannot read " + file + ": there is no such file");
    } catch (AccessDeniedException e) {
      throw new CliException("cannot read " + file + ": permission denied");
    } catch (IOException e) {
      throw new CliException("cannot read " + (file.equals("-") ? "standard input" : file) + ": " + e.getMessage());
    }
  }
}
