package io.coffer.plugin.mysql.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coffer.spi.DatastoreException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GtidTargetTest {
  @Test
  void aGtidOrOnePerDomainIsTaken() {
    assertThat(GtidTarget.parse("0-1-42").seqnoByDomain()).isEqualTo(Map.of(0L, 42L));
    assertThat(GtidTarget.parse("0-1-42,3-2-7").seqnoByDomain()).isEqualTo(Map.of(0L, 42L, 3L, 7L));
  }

  @Test
  void anythingElseIsInvalidNamingTheField() {
    for (String bad :
        List.of(
            "",
            "0-1",
            "0-1-",
            "a-b-c",
            "0-1-42;",
            "0-1-42 ",
            " 0-1-42",
            "0-1-42,",
            "0-1-1'; DROP TABLE x; --",
            "0-1-42,0-2-43",
            "0-1-99999999999999999999",
            "--stop-never",
            "0-1-1\n0-1-2")) {
      assertThatThrownBy(() -> GtidTarget.parse(bad))
          .as(bad)
          .isInstanceOfSatisfying(
              DatastoreException.class,
              e -> {
                assertThat(e.code()).isEqualTo(DatastoreException.Code.INVALID_ARGUMENT);
                assertThat(e.getMessage()).contains("target_gtid");
              });
    }
  }

  @Test
  void aTargetTheBackupHoldsAlreadyIsRefused() {
    GtidTarget target = GtidTarget.parse("0-1-42");
    target.requireAfter("0-1-41", "b-1");
    target.requireAfter("1-1-500", "b-1"); // another domain: nothing of domain 0 in the backup
    target.requireAfter("", "b-1");
    for (String held : List.of("0-1-42", "0-1-43", "1-1-5,0-1-100")) {
      assertThatThrownBy(() -> target.requireAfter(held, "b-1"))
          .as(held)
          .isInstanceOfSatisfying(
              DatastoreException.class,
              e ->
                  assertThat(e.getMessage())
                      .contains("target_gtid")
                      .contains("already in backup b-1"));
    }
  }
}
