package io.coffer.plugin.postgresql.backup;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifest's CRC-32Cs (as PostgreSQL writes them: the value's bytes in memory order, in hex)
 * against the ones computed while extracting. End to end, PostgresqlBackupStrategyTest alters a
 * member inside a real pg_basebackup stream and sees it refused.
 */
class ManifestChecksumsTest {
  @TempDir Path tmp;

  @Test
  void matchingChecksumsPassAndADifferentOneNamesTheFile() throws Exception {
    CRC32C crc = new CRC32C();
    crc.update("16\n".getBytes(StandardCharsets.US_ASCII));
    int value = (int) crc.getValue();
    Path manifest = tmp.resolve("backup_manifest");
    Files.writeString(
        manifest,
        """
        { "PostgreSQL-Backup-Manifest-Version": 1,
        "Files": [
        { "Path": "PG_VERSION", "Size": 3, "Last-Modified": "2026-12-07 21:00:00 GMT", "Checksum-Algorithm": "CRC32C", "Checksum": "%s" },
        { "Encoded-Path": "%s", "Size": 0, "Last-Modified": "2026-12-07 21:00:00 GMT" }
        ],
        "WAL-Ranges": [ { "Timeline": 1, "Start-LSN": "0/2000028", "End-LSN": "0/2000100" } ],
        "Manifest-Checksum": "00" }
        """
            .formatted(
                ManifestChecksums.hexLittleEndian(value),
                java.util.HexFormat.of().formatHex("odd name".getBytes(StandardCharsets.UTF_8))));

    assertThatCode(() -> ManifestChecksums.check(manifest, Map.of("PG_VERSION", value), "b1"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> ManifestChecksums.check(manifest, Map.of("PG_VERSION", ~value), "b1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("backup b1 is corrupt: PG_VERSION differs from the backup manifest");
    assertThatThrownBy(() -> ManifestChecksums.check(manifest, Map.of(), "b1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("PG_VERSION is in the backup manifest but not in the backup");
  }
}
