package io.rune.storage.config;

/**
 * The server's configuration (runefile, environment or flags) is wrong. The message is
 * written for the operator: which key, variable or flag, what was expected and what was
 * found. It never contains a password.
 */
public class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
