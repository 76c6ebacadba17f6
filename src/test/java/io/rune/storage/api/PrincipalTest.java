package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one rule every way to a token goes through: never more rights than the granter's own. */
class PrincipalTest {
  private static Principal principal(Role role, String... namespaces) {
    return new Principal("t", role, Set.of(namespaces));
  }

  @Test
  void noRoleAboveTheGrantersOwn() {
    for (Role granter : Role.values()) {
      for (Role wanted : Role.values()) {
        assertThat(principal(granter).mayGrant(wanted, Set.of()))
            .as(granter + " grants " + wanted).isEqualTo(wanted.compareTo(granter) >= 0);
      }
    }
    assertThatThrownBy(() -> principal(Role.readwrite).checkMayGrant(Role.admin, Set.of()))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(403);
          assertThat(e.getMessage()).contains("admin").contains("readwrite");
        });
  }

  @Test
  void aScopedGranterGrantsOnlyANonEmptySubsetOfItsNamespaces() {
    Principal scoped = principal(Role.admin, "a", "b");
    assertThat(scoped.mayGrant(Role.admin, Set.of("a"))).isTrue();
    assertThat(scoped.mayGrant(Role.readonly, Set.of("a", "b"))).isTrue();
    assertThat(scoped.mayGrant(Role.readonly, Set.of())).as("unscoped is every namespace").isFalse();
    assertThat(scoped.mayGrant(Role.readonly, Set.of("a", "c"))).isFalse();
    assertThatThrownBy(() -> scoped.checkMayGrant(Role.readonly, Set.of("c", "a")))
        .hasMessageContaining("[c]").hasMessageContaining("[a, b]");
    assertThat(principal(Role.admin).mayGrant(Role.admin, Set.of())).isTrue();
    assertThat(principal(Role.admin).mayGrant(Role.readonly, Set.of("z"))).isTrue();
  }
}
