package io.rune.storage.drivers.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.model.VolumeOwnership;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On a real directory, as root (the driver's user): chown and chmod of the root only. */
class VolumeOwnershipApplierTest {
  @TempDir
  Path temp;

  @Test
  void setsOwnerGroupAndModeOfTheDirectoryNotOfWhatIsInIt() throws IOException {
    Path dir = rootOwnedDirectory("v");
    Path inside = Files.writeString(dir.resolve("file"), "x");

    VolumeOwnershipApplier.apply(dir, new VolumeOwnership(1234L, 2345L, "0750"));

    assertThat(attribute(dir, "uid")).isEqualTo(1234);
    assertThat(attribute(dir, "gid")).isEqualTo(2345);
    assertThat(mode(dir)).isEqualTo(0750);
    assertThat(attribute(inside, "uid")).isEqualTo(0);
  }

  @Test
  void aPartLeftOutIsLeftAsItWasAndAFourDigitModeKeepsItsSpecialBits() throws IOException {
    Path dir = rootOwnedDirectory("v");
    VolumeOwnershipApplier.apply(dir, null);
    assertThat(mode(dir)).as("no ownership changes nothing").isEqualTo(0755);

    VolumeOwnership ownership = new VolumeOwnership(null, 4000L, "2770");
    VolumeOwnershipApplier.apply(dir, ownership);
    VolumeOwnershipApplier.apply(dir, ownership);

    assertThat(attribute(dir, "uid")).isEqualTo(0);
    assertThat(attribute(dir, "gid")).isEqualTo(4000);
    assertThat(mode(dir)).isEqualTo(02770);
  }

  @Test
  void aLinkInTheDirectorysPlaceDoesNotHandOverItsTarget() throws IOException {
    Path target = rootOwnedDirectory("elsewhere");
    Path link = Files.createSymbolicLink(temp.resolve("v"), target);

    try {
      VolumeOwnershipApplier.apply(link, new VolumeOwnership(1234L, 2345L, "0777"));
    } catch (IOException refused) {
      // Linux cannot chmod a link itself; refusing is as good as changing only the link.
    }

    assertThat(attribute(target, "uid")).isEqualTo(0);
    assertThat(attribute(target, "gid")).isEqualTo(0);
    assertThat(mode(target)).isEqualTo(0755);
  }

  /** As the local driver makes a volume's directory. */
  private Path rootOwnedDirectory(String name) throws IOException {
    Path dir = Files.createDirectory(temp.resolve(name));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(attribute(dir, "uid")).isEqualTo(0);
    return dir;
  }

  private static Object attribute(Path path, String name) throws IOException {
    return Files.getAttribute(path, "unix:" + name, LinkOption.NOFOLLOW_LINKS);
  }

  private static int mode(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }
}
