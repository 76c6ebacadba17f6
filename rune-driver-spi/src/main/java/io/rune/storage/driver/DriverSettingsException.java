package io.rune.storage.driver;

/**
 * A driver's own runefile section ({@code [storage.drivers.<name>]}) is wrong: the message
 * names the key, what was expected and what was found, for the operator. The server reports
 * it as a configuration error and does not start.
 */
public class DriverSettingsException extends RuntimeException {

  public DriverSettingsException(String message) {
    super(message);
  }
}
