package io.rune.storage.driver.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.StorageDriver;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DriverCatalogTest {

  /** A provider that only has a name: the catalog looks at nothing else. */
  private record Named(String name) implements DriverProvider {
    @Override
    public DriverCapabilities capabilities() {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean nodeLocal() {
      return true;
    }

    @Override
    public StorageDriver create(DriverEnvironment environment) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void namesAreListedInOrder() {
    DriverCatalog catalog = new DriverCatalog(List.of(new Named("zfs"), new Named("do-volume"), new Named("local")));
    assertThat(catalog.names()).containsExactly("do-volume", "local", "zfs");
  }

  @ParameterizedTest
  @ValueSource(strings = {"progress", "Local", "my.driver", "-x", "x-", "", "a_b"})
  void aNameThatCannotBeOneAddressSegmentIsRefused(String name) {
    assertThatThrownBy(() -> new DriverCatalog(List.of(new Named(name))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is named '" + name + "'")
        .hasMessageContaining("lower-case letters, digits and inner dashes");
  }

  @Test
  void twoDriversOfOneNameAreRefused() {
    assertThatThrownBy(() -> new DriverCatalog(List.of(new Named("local"), new Named("local"))))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("two drivers are named 'local'");
  }
}
