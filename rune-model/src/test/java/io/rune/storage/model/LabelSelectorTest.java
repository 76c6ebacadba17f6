package io.rune.storage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rune.storage.model.LabelSelector.Operator;
import io.rune.storage.model.LabelSelector.Requirement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class LabelSelectorTest {

  @Test
  void parsesEveryOperator() {
    LabelSelector s = LabelSelector.parse("app=web,tier==front,env!=prod,owner,!legacy");
    assertThat(s.requirements())
        .containsExactly(
            new Requirement("app", Operator.EQUALS, "web"),
            new Requirement("tier", Operator.EQUALS, "front"),
            new Requirement("env", Operator.NOT_EQUALS, "prod"),
            new Requirement("owner", Operator.EXISTS, List.of()),
            new Requirement("legacy", Operator.NOT_EXISTS, List.of()));
    assertThat(s.toString()).isEqualTo("app=web,tier=front,env!=prod,owner,!legacy");
  }

  @Test
  void parsesPrefixedKeysEmptyValuesAndSpaces() {
    LabelSelector s =
        LabelSelector.parse(" example.com/app = web , rune.io/zone!=,  ! team.example/x ");
    assertThat(s.requirements())
        .containsExactly(
            new Requirement("example.com/app", Operator.EQUALS, "web"),
            new Requirement("rune.io/zone", Operator.NOT_EQUALS, ""),
            new Requirement("team.example/x", Operator.NOT_EXISTS, List.of()));
  }

  @Test
  void toStringParsesBackToTheSameSelector() {
    LabelSelector s = LabelSelector.parse("a==1, b != 2 ,c,!d,e=");
    assertThat(LabelSelector.parse(s.toString())).isEqualTo(s);
    assertThat(s.toString()).isEqualTo("a=1,b!=2,c,!d,e=");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"  ", "\t"})
  void blankMatchesEverything(String text) {
    LabelSelector s = LabelSelector.parse(text);
    assertThat(s.isEmpty()).isTrue();
    assertThat(s.requirements()).isEmpty();
    assertThat(s.matches(Map.of())).isTrue();
    assertThat(s.matches(null)).isTrue();
    assertThat(s.matches(Map.of("app", "web"))).isTrue();
    assertThat(s).isEqualTo(LabelSelector.everything());
  }

  @Test
  void equalsNeedsTheKeyWithThatValue() {
    LabelSelector s = LabelSelector.parse("app=web");
    assertThat(s.matches(Map.of("app", "web", "x", "y"))).isTrue();
    assertThat(s.matches(Map.of("app", "db"))).isFalse();
    assertThat(s.matches(Map.of())).isFalse();
    assertThat(s.matches(null)).isFalse();
  }

  @Test
  void equalsEmptyValueNeedsThePresentKey() {
    LabelSelector s = LabelSelector.parse("flag=");
    assertThat(s.matches(Map.of("flag", ""))).isTrue();
    assertThat(s.matches(Map.of())).isFalse();
  }

  @Test
  void notEqualsMatchesAnAbsentKey() {
    LabelSelector s = LabelSelector.parse("env!=prod");
    assertThat(s.matches(Map.of("env", "dev"))).isTrue();
    assertThat(s.matches(Map.of())).isTrue();
    assertThat(s.matches(Map.of("env", "prod"))).isFalse();
  }

  @Test
  void existsAndNotExistsLookAtTheKeyOnly() {
    assertThat(LabelSelector.parse("owner").matches(Map.of("owner", ""))).isTrue();
    assertThat(LabelSelector.parse("owner").matches(Map.of("other", "x"))).isFalse();
    assertThat(LabelSelector.parse("!legacy").matches(Map.of("other", "x"))).isTrue();
    assertThat(LabelSelector.parse("!legacy").matches(Map.of("legacy", "no"))).isFalse();
  }

  @Test
  void everyRequirementMustHold() {
    LabelSelector s = LabelSelector.parse("app=web,env!=prod,!legacy");
    assertThat(s.matches(Map.of("app", "web", "env", "dev"))).isTrue();
    assertThat(s.matches(Map.of("app", "web", "env", "prod"))).isFalse();
    assertThat(s.matches(Map.of("app", "web", "legacy", "true"))).isFalse();
    assertThat(s.matches(Map.of("env", "dev"))).isFalse();
  }

  @Test
  void contradictoryRequirementsMatchNothing() {
    LabelSelector s = LabelSelector.parse("app=web,app=db");
    assertThat(s.matches(Map.of("app", "web"))).isFalse();
    assertThat(s.matches(Map.of("app", "db"))).isFalse();
  }

  @Test
  void keysAndValuesAreCaseSensitive() {
    assertThat(LabelSelector.parse("App=Web").matches(Map.of("app", "web"))).isFalse();
    assertThat(LabelSelector.parse("App=Web").matches(Map.of("App", "Web"))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "app=web,",
        ",app=web",
        "a,,b",
        "=web",
        "!=web",
        "a!b",
        "a=b=c",
        "a===b",
        "!a=b",
        "!",
        "a b",
        "a=b c",
        "app in web",
        "app in ()",
        "app in (web",
        "app in web)",
        "app in ((web))",
        "app in (web db)",
        "app in (-web)",
        "app in (web),(db)",
        "in (web)",
        "(web)",
        "app notin",
        "app notin(",
        "app exists (web)",
        "bad key in (web)",
        "-app=web",
        "app-=web",
        "_app",
        "app=-web",
        "app=web.",
        "app=we/b",
        "Example.com/app=x",
        "/app=x",
        "example.com/=x",
        "a/b/c=x",
        "exa_mple.com/app",
        "-example.com/app",
        "app=é"
      })
  void rejectsBadSyntax(String text) {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class, () -> LabelSelector.parse(text));
    assertThat(e).as("parse(%s) should fail", text).isNotNull();
    assertThat(e.code()).isEqualTo("Invalid");
    assertThat(e.field()).isEqualTo("labelSelector");
    assertThat(e.getMessage())
        .startsWith("labelSelector \"" + text + "\" is not a valid selector: ");
  }

  @Test
  void explainsAnEmptyRequirementAndSetBasedSyntax() {
    assertThatThrownBy(() -> LabelSelector.parse("a=b,,c"))
        .hasMessageContaining("requirement 2 is empty")
        .hasMessageContaining("app=web, tier!=db, env in (prod,staging), tier notin (db), env or !legacy");
    assertThatThrownBy(() -> LabelSelector.parse("app in ()"))
        .hasMessageContaining("lists no values");
    assertThatThrownBy(() -> LabelSelector.parse("app in web"))
        .hasMessageContaining("\"key in (a,b)\"");
    assertThatThrownBy(() -> LabelSelector.parse("app in (web"))
        .hasMessageContaining("'(' is not closed");
  }

  @Test
  void parsesSetBasedRequirementsBesideTheOthers() {
    LabelSelector s = LabelSelector.parse("env in (prod, staging),tier notin (db),app=web, example.com/x in(a)");
    assertThat(s.requirements())
        .containsExactly(
            new Requirement("env", Operator.IN, List.of("prod", "staging")),
            new Requirement("tier", Operator.NOT_IN, List.of("db")),
            new Requirement("app", Operator.EQUALS, "web"),
            new Requirement("example.com/x", Operator.IN, List.of("a")));
    assertThat(s.toString()).isEqualTo("env in (prod,staging),tier notin (db),app=web,example.com/x in (a)");
    assertThat(LabelSelector.parse(s.toString())).isEqualTo(s);
    assertThat(LabelSelector.parse("a in (x,x,)").requirements())
        .containsExactly(new Requirement("a", Operator.IN, List.of("x", "")));
  }

  @Test
  void inNeedsThePresentKeyWithOneOfTheValues() {
    LabelSelector s = LabelSelector.parse("env in (prod,staging)");
    assertThat(s.matches(Map.of("env", "prod"))).isTrue();
    assertThat(s.matches(Map.of("env", "staging"))).isTrue();
    assertThat(s.matches(Map.of("env", "dev"))).isFalse();
    assertThat(s.matches(Map.of())).isFalse();
    assertThat(LabelSelector.parse("flag in (,x)").matches(Map.of("flag", ""))).isTrue();
  }

  @Test
  void notInMatchesAnAbsentKeyAndOtherValues() {
    LabelSelector s = LabelSelector.parse("env notin (prod,staging)");
    assertThat(s.matches(Map.of("env", "dev"))).isTrue();
    assertThat(s.matches(Map.of())).isTrue();
    assertThat(s.matches(Map.of("env", "prod"))).isFalse();
    assertThat(s.matches(Map.of("env", "staging"))).isFalse();
  }

  @Test
  void enforcesLengthLimits() {
    String name63 = "n".repeat(63);
    String prefix253 = ("p".repeat(49) + ".").repeat(5) + "abc"; // 253 characters
    assertThat(prefix253).hasSize(253);
    LabelSelector ok = LabelSelector.parse(prefix253 + "/" + name63 + "=" + "v".repeat(63));
    assertThat(ok.requirements()).hasSize(1);

    assertThatThrownBy(() -> LabelSelector.parse("n".repeat(64)))
        .hasMessageContaining("name longer than 63");
    assertThatThrownBy(() -> LabelSelector.parse("a=" + "v".repeat(64)))
        .hasMessageContaining("longer than 63");
    assertThatThrownBy(() -> LabelSelector.parse(prefix253 + "x/a"))
        .hasMessageContaining("prefix longer than 253");
  }

  @Test
  void aRequirementChecksItsShape() {
    assertThatThrownBy(() -> new Requirement("a", Operator.EQUALS, (String) null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Requirement("a", Operator.EXISTS, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Requirement("a", Operator.IN, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void checkLabelsAcceptsValidLabels() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", "web");
    labels.put("example.com/tier", "front_end.v2");
    labels.put("empty", "");
    labels.put("A-b_c.D", "X");
    LabelSelector.checkLabels("labels", labels);
    LabelSelector.checkLabels("labels", Map.of());
    LabelSelector.checkLabels("labels", null);
    assertThat(LabelSelector.parse("example.com/tier=front_end.v2,empty=").matches(labels))
        .isTrue();
  }

  @Test
  void checkLabelsNamesTheBadKeyInTheFieldPath() {
    ValidationException e =
        catchThrowableOfType(
            ValidationException.class,
            () -> LabelSelector.checkLabels("labels", Map.of("bad key", "x")));
    assertThat(e.code()).isEqualTo("Invalid");
    assertThat(e.field()).isEqualTo("labels[\"bad key\"]");
    assertThat(e.getMessage())
        .startsWith("labels[\"bad key\"]: the key \"bad key\" is not valid")
        .contains("optional DNS prefix");
  }

  @Test
  void checkLabelsRejectsBadValuesAndEscapesQuotesInThePath() {
    ValidationException bad =
        catchThrowableOfType(
            ValidationException.class,
            () -> LabelSelector.checkLabels("metadata.labels", Map.of("app", "not ok")));
    assertThat(bad.field()).isEqualTo("metadata.labels[\"app\"]");
    assertThat(bad.getMessage()).contains("the value \"not ok\" is not valid");

    ValidationException quoted =
        catchThrowableOfType(
            ValidationException.class,
            () -> LabelSelector.checkLabels("labels", Map.of("a\"b", "x")));
    assertThat(quoted.field()).isEqualTo("labels[\"a\\\"b\"]");
  }

  @Test
  void checkLabelsRejectsMissingValuesAndLongOnes() {
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("app", null);
    assertThatThrownBy(() -> LabelSelector.checkLabels("labels", nullValue))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("the value is missing");
    assertThatThrownBy(() -> LabelSelector.checkLabels("labels", Map.of("a", "v".repeat(64))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("longer than 63");
    assertThatThrownBy(() -> LabelSelector.checkLabels("labels", Map.of("Bad.Prefix/a", "v")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("not a lowercase DNS subdomain");
  }

  @Test
  void checkLabelsCountsThemAndShowsOnlyAPrefixOfAValue() {
    Map<String, String> labels = new HashMap<>();
    for (int i = 0; i < LabelSelector.MAX_LABELS; i++) {
      labels.put("label-" + i, "v");
    }
    LabelSelector.checkLabels("labels", labels);
    labels.put("one-more", "v");
    ValidationException many = catchThrowableOfType(ValidationException.class,
        () -> LabelSelector.checkLabels("labels", labels));
    assertThat(many.field()).isEqualTo("labels");
    assertThat(many.getMessage()).contains("65 labels", "at most 64");

    String value = "v".repeat(60) + "-the-end-of-it";
    ValidationException longValue = catchThrowableOfType(ValidationException.class,
        () -> LabelSelector.checkLabels("labels", Map.of("app", value)));
    assertThat(longValue.getMessage()).doesNotContain("the-end-of-it").contains("…");
    ValidationException selector = catchThrowableOfType(ValidationException.class,
        () -> LabelSelector.parse("a".repeat(10_000) + "=b"));
    assertThat(selector.getMessage()).hasSizeLessThan(500);
  }
}
