package io.rune.storage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rune.storage.model.FieldSelector.Operator;
import io.rune.storage.model.FieldSelector.Requirement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class FieldSelectorTest {

  @Test
  void parsesEveryOperatorWithSpacesAndEmptyValues() {
    FieldSelector s = FieldSelector.parse(Kind.VOLUME,
        "status.phase=Failed, spec.storageClassName == local ,status.node!=,metadata.namespace!=prod");
    assertThat(s.requirements()).containsExactly(
        new Requirement("status.phase", Operator.EQUALS, "Failed"),
        new Requirement("spec.storageClassName", Operator.EQUALS, "local"),
        new Requirement("status.node", Operator.NOT_EQUALS, ""),
        new Requirement("metadata.namespace", Operator.NOT_EQUALS, "prod"));
    assertThat(s.toString())
        .isEqualTo("status.phase=Failed,spec.storageClassName=local,status.node!=,metadata.namespace!=prod");
    assertThat(FieldSelector.parse(Kind.VOLUME, s.toString())).isEqualTo(s);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {" ", "\t"})
  void blankMatchesEverything(String text) {
    assertThat(FieldSelector.parse(Kind.SNAPSHOT, text).isEmpty()).isTrue();
    assertThat(FieldSelector.parse(Kind.SNAPSHOT, text)).isEqualTo(FieldSelector.everything());
  }

  @Test
  void eachKindHasItsFields() {
    assertThat(FieldSelector.fields(Kind.STORAGE_CLASS)).containsExactly("metadata.name");
    assertThat(FieldSelector.fields(Kind.VOLUME)).containsExactly("metadata.name", "metadata.namespace",
        "status.phase", "spec.storageClassName", "status.node", "status.ownerService");
    assertThat(FieldSelector.fields(Kind.SNAPSHOT)).contains("status.phase", "spec.source.volume");
    assertThat(FieldSelector.fields(Kind.SERVICE)).contains("status.phase").doesNotContain("status.node");
    assertThat(FieldSelector.fields(Kind.SECRET)).containsExactly("metadata.name", "metadata.namespace");
    for (Kind kind : Kind.values()) {
      assertThat(FieldSelector.fields(kind)).as("fields of %s", kind).isNotEmpty();
    }
  }

  @Test
  void aFieldTheKindHasNotIsRefusedNamingTheFieldsItHas() {
    ValidationException e = catchThrowableOfType(ValidationException.class,
        () -> FieldSelector.parse(Kind.SERVICE, "status.phase=Ready,status.node=a"));
    assertThat(e.field()).isEqualTo("fieldSelector");
    assertThat(e.getMessage()).contains("a Service cannot be selected by \"status.node\"",
        "the fields are metadata.name, metadata.namespace, status.phase");
  }

  @ParameterizedTest
  @ValueSource(strings = {"status.phase", "status.phase=Failed,", ",status.phase=Failed", "=Failed",
      "!=Failed", "status.phase=a=b", "status.phase!==x", "status.phase=!x", "status.phase>1", "labels.app=x",
      "metadata.uid=x", "spec.size=1Gi", "Status.phase=Failed"})
  void rejectsBadSyntaxAndUnknownFields(String text) {
    ValidationException e = catchThrowableOfType(ValidationException.class,
        () -> FieldSelector.parse(Kind.VOLUME, text));
    assertThat(e).as("parse(%s) should fail", text).isNotNull();
    assertThat(e.field()).isEqualTo("fieldSelector");
    assertThat(e.getMessage()).startsWith("fieldSelector \"" + text + "\" is not valid: ");
  }
}
