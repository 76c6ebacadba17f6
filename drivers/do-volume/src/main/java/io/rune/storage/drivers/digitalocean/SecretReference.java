package io.rune.storage.drivers.digitalocean;

/** Placeholder until the secrets package's parser lands: the form {@code <namespace>/<name>[:<key>]}. */
final class SecretReference {
  private SecretReference() {}

  static boolean valid(String reference) {
    return reference.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9]*[a-z0-9])?(:[A-Za-z0-9._-]+)?");
  }
}
