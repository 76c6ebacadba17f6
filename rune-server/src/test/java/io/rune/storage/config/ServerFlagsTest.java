package io.rune.storage.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServerFlagsTest {

  @Test
  void noArgumentsSetNothing() {
    assertThat(ServerFlags.parse()).isEqualTo(ServerFlags.none())
        .isEqualTo(new ServerFlags(null, false, null, null, null, false));
  }

  @Test
  void parsesSeparateValues() {
    ServerFlags flags = ServerFlags.parse("--config", "/etc/rune/runefile.toml", "--dev-mode",
        "--data-dir", "/srv/rune", "--listen", "[::1]:7000", "--node", "n1");
    assertThat(flags).isEqualTo(
        new ServerFlags("/etc/rune/runefile.toml", true, "/srv/rune", "[::1]:7000", "n1", false));
  }

  @Test
  void parsesEqualsForm() {
    ServerFlags flags = ServerFlags.parse("--config=a=b.toml", "--data-dir=/d", "--listen=h:1",
        "--node=x");
    assertThat(flags).isEqualTo(new ServerFlags("a=b.toml", false, "/d", "h:1", "x", false));
  }

  @Test
  void lastValueOfARepeatedFlagWins() {
    assertThat(ServerFlags.parse("--node", "a", "--node=b").node()).isEqualTo("b");
  }

  @Test
  void helpInBothSpellings() {
    assertThat(ServerFlags.parse("-h").help()).isTrue();
    assertThat(ServerFlags.parse("--listen", "h:1", "--help").help()).isTrue();
    assertThat(ServerFlags.parse("--dev-mode").help()).isFalse();
  }

  @Test
  void unknownFlagIsAnErrorWithUsage() {
    assertThatThrownBy(() -> ServerFlags.parse("--port", "80"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("runed: unknown flag '--port'\n\nUsage: runed [flags]")
        .hasMessageContaining("--config FILE")
        .hasMessageContaining("--listen HOST:PORT");
    assertThatThrownBy(() -> ServerFlags.parse("--port=80"))
        .hasMessageStartingWith("runed: unknown flag '--port'\n");
    assertThatThrownBy(() -> ServerFlags.parse("-x"))
        .hasMessageStartingWith("runed: unknown flag '-x'\n");
  }

  @Test
  void missingValueIsAnError() {
    assertThatThrownBy(() -> ServerFlags.parse("--config"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("runed: flag --config needs a value: --config FILE\n\nUsage:");
    assertThatThrownBy(() -> ServerFlags.parse("--listen", "--dev-mode"))
        .hasMessageStartingWith("runed: flag --listen needs a value: --listen HOST:PORT\n");
    assertThatThrownBy(() -> ServerFlags.parse("--node="))
        .hasMessageStartingWith("runed: flag --node needs a non-empty value: --node NAME\n");
  }

  @Test
  void switchesTakeNoValueAndStrayArgumentsAreRefused() {
    assertThatThrownBy(() -> ServerFlags.parse("--dev-mode=true"))
        .hasMessageStartingWith("runed: flag --dev-mode takes no value\n");
    assertThatThrownBy(() -> ServerFlags.parse("serve"))
        .hasMessageStartingWith("runed: unexpected argument 'serve' (runed takes only flags)\n");
  }

  @Test
  void usageListsEveryFlag() {
    assertThat(ServerFlags.usage()).contains("--config FILE", "--dev-mode", "--data-dir DIR",
        "--listen HOST:PORT", "--node NAME", "-h, --help", "--flag=value");
  }
}
