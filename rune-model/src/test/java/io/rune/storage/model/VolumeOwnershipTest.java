package io.rune.storage.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import org.junit.jupiter.api.Test;

class VolumeOwnershipTest {

  private static ValidationException refused(String prefix, VolumeOwnership ownership) {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> ownership.check(prefix));
    assertThat(e).as("%s should be refused", ownership).isNotNull();
    assertThat(e.code()).isEqualTo("Invalid");
    return e;
  }

  @Test
  void acceptsIdsInRangeAndThreeOrFourOctalDigits() {
    new VolumeOwnership(0L, 0L, "000").check("");
    new VolumeOwnership(VolumeOwnership.MAX_ID, VolumeOwnership.MAX_ID, "7777").check("");
    new VolumeOwnership(1234L, null, null).check("");
    new VolumeOwnership(null, null, "0750").check("");
  }

  @Test
  void anIdOutOfRangeIsRefusedNamingItsField() {
    ValidationException negative = refused("", new VolumeOwnership(-1L, null, null));
    assertThat(negative.field()).isEqualTo("fsUser");
    assertThat(negative.getMessage()).isEqualTo("fsUser must be an integer from 0 to 2147483647 (a numeric id),"
        + " not -1");
    ValidationException tooLarge = refused("", new VolumeOwnership(null, 2_147_483_648L, null));
    assertThat(tooLarge.field()).isEqualTo("fsGroup");
  }

  @Test
  void aModeThatIsNotThreeOrFourOctalDigitsIsRefused() {
    for (String mode : new String[] {"", "75", "07500", "0758", "rwx", "0x1ff", " 750", "-750"}) {
      ValidationException e = refused("volumes[0].claimTemplate.", new VolumeOwnership(null, null, mode));
      assertThat(e.field()).isEqualTo("volumes[0].claimTemplate.fsMode");
      assertThat(e.getMessage()).startsWith("volumes[0].claimTemplate.fsMode must be 3 or 4 octal digits such as 0750");
    }
  }

  @Test
  void theModeIsReadAsOctal() {
    assertThat(new VolumeOwnership(null, null, "0750").modeBits()).isEqualTo(0750);
    assertThat(new VolumeOwnership(null, null, "2770").modeBits()).isEqualTo(02770);
    assertThat(new VolumeOwnership(1L, null, null).modeBits()).isNull();
  }

  @Test
  void noPartMeansNoOwnership() {
    assertThat(VolumeOwnership.of(null, null, null)).isNull();
    assertThat(VolumeOwnership.of(null, 5L, null)).isEqualTo(new VolumeOwnership(null, 5L, null));
  }

  @Test
  void fsModeIsReadFromTextOnlySoThatAnUnquotedYamlModeIsNotTakenForAnother() throws Exception {
    VolumeSpec spec = JsonMapper.STRICT.readValue("{\"size\":\"1Gi\",\"fsUser\":1234,\"fsMode\":\"0750\"}",
        VolumeSpec.class);
    assertThat(spec.ownership()).isEqualTo(new VolumeOwnership(1234L, null, "0750"));
    assertThat(catchThrowableOfType(MismatchedInputException.class, () -> JsonMapper.STRICT.readValue(
        "{\"size\":\"1Gi\",\"fsMode\":750}", VolumeSpec.class))).isNotNull();
    assertThat(catchThrowableOfType(MismatchedInputException.class, () -> JsonMapper.YAML.readValue(
        "size: 1Gi\nfsMode: 0750\n", VolumeSpec.class))).isNotNull();
    assertThat(JsonMapper.STRICT.writeValueAsString(spec)).doesNotContain("ownership", "modeBits");
  }
}
