package io.coffer.plugin.kit.datadir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extraction of archives written by GNU tar (the format pg_basebackup writes) compared byte for
 * byte with the files they came from, on both write paths (direct I/O for block-multiple sizes, the
 * page cache for the rest), and forged archives refused without writing outside the directory.
 */
class TarExtractorTest {
  @TempDir Path tmp;

  @Test
  void extractsWhatGnuTarArchivedByteForByteWithModesTimesAndLinks() throws Exception {
    Path source = tmp.resolve("source");
    Path base = Files.createDirectories(source.resolve("base/5"));
    Random random = new Random(42);
    write(source.resolve("PG_VERSION"), bytes(random, 3), "rw-------");
    write(source.resolve("empty"), new byte[0], "rw-------");
    write(base.resolve("16384"), bytes(random, 3 * 8192), "rw-------"); // direct, one chunk
    write(base.resolve("16385"), bytes(random, 5 << 20), "rw-r-----"); // direct, five chunks
    write(base.resolve("16386"), bytes(random, (3 << 20) + 5), "rw-------"); // page cache
    Files.createSymbolicLink(source.resolve("pg_tblspc_link"), Path.of("/var/lib/elsewhere"));
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx------"));
    FileTime when = FileTime.from(Instant.parse("2026-01-02T03:04:05Z"));
    Files.setLastModifiedTime(base.resolve("16385"), when);
    Path archive = tmp.resolve("a.tar");
    gnuTar("--create", "--file=" + archive, "--directory=" + source, ".");

    Path target = tmp.resolve("target");
    TarExtractor.Result result;
    try (InputStream in = Files.newInputStream(archive)) {
      result = new TarExtractor(2).extract(in, target);
    }

    assertThat(result.files()).isEqualTo(5);
    assertThat(result.bytes()).isEqualTo(3 + 3 * 8192 + (5 << 20) + (3 << 20) + 5);
    for (String name :
        new String[] {"PG_VERSION", "empty", "base/5/16384", "base/5/16385", "base/5/16386"}) {
      assertThat(Files.readAllBytes(target.resolve(name)))
          .as(name)
          .isEqualTo(Files.readAllBytes(source.resolve(name)));
      assertThat(Files.getPosixFilePermissions(target.resolve(name)))
          .as(name)
          .isEqualTo(Files.getPosixFilePermissions(source.resolve(name)));
    }
    assertThat(Files.getLastModifiedTime(target.resolve("base/5/16385"))).isEqualTo(when);
    assertThat(Files.getPosixFilePermissions(target.resolve("base/5")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.readSymbolicLink(target.resolve("pg_tblspc_link")))
        .isEqualTo(Path.of("/var/lib/elsewhere"));
    assertThat(target.resolve(".coffer-direct-probe")).doesNotExist();
  }

  @Test
  void aTruncatedArchiveFails() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    write(source.resolve("big"), bytes(new Random(1), 4 << 20), "rw-------");
    Path archive = tmp.resolve("a.tar");
    gnuTar("--create", "--file=" + archive, "--directory=" + source, "big");
    byte[] cut = java.util.Arrays.copyOf(Files.readAllBytes(archive), 3 << 20);

    assertThatThrownBy(
            () -> new TarExtractor(2).extract(new ByteArrayInputStream(cut), tmp.resolve("t")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Truncated"); // Commons Compress's words
  }

  @Test
  void aFailingReadIsRethrownAsItIs() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    write(source.resolve("big"), bytes(new Random(2), 4 << 20), "rw-------");
    Path archive = tmp.resolve("a.tar");
    gnuTar("--create", "--file=" + archive, "--directory=" + source, "big");
    IOException corrupt = new IOException("backup is corrupt");
    InputStream failing =
        new FilterInputStream(Files.newInputStream(archive)) {
          long read;

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (read > (2 << 20)) {
              throw corrupt;
            }
            int n = super.read(b, off, len);
            read += Math.max(n, 0);
            return n;
          }
        };

    assertThatThrownBy(() -> new TarExtractor(2).extract(failing, tmp.resolve("t")))
        .isSameAs(corrupt);
  }

  @Test
  void namesLeadingOutOfTheDirectoryAreRefused() throws Exception {
    for (String name : new String[] {"../evil", "a/../../evil", "/tmp/evil"}) {
      byte[] archive = archive(file(name, "x"));
      assertThatThrownBy(
              () ->
                  new TarExtractor(1)
                      .extract(
                          new ByteArrayInputStream(archive), tmp.resolve("t-" + name.length())))
          .as(name)
          .isInstanceOf(IOException.class)
          .hasMessageContaining(name);
    }
    assertThat(tmp.resolve("evil")).doesNotExist();
  }

  @Test
  void writingThroughASymbolicLinkIsRefused() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    TarArchiveEntry link = new TarArchiveEntry("link", TarConstants.LF_SYMLINK);
    link.setLinkName(outside.toString());
    byte[] archive = archive(new Item(link, null), file("link/planted", "x"));

    assertThatThrownBy(
            () -> new TarExtractor(1).extract(new ByteArrayInputStream(archive), tmp.resolve("t")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("link");
    assertThat(outside.resolve("planted")).doesNotExist();
  }

  @Test
  void aDirectoryEntryThroughASymbolicLinkIsRefusedAndTheOutsideUntouched() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxr-xr-x"));
    TarArchiveEntry link = new TarArchiveEntry("lnk", TarConstants.LF_SYMLINK);
    link.setLinkName(outside.toString());
    TarArchiveEntry dir = new TarArchiveEntry("lnk/sub/");
    dir.setMode(040700);
    byte[] archive = archive(new Item(link, null), new Item(dir, null));

    assertThatThrownBy(
            () -> new TarExtractor(1).extract(new ByteArrayInputStream(archive), tmp.resolve("t")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("link");
    assertThat(outside.resolve("sub")).doesNotExist();
    assertThat(Files.getPosixFilePermissions(outside))
        .isEqualTo(PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void devicesAndFifosAreRefused() throws Exception {
    for (byte type : new byte[] {TarConstants.LF_CHR, TarConstants.LF_BLK, TarConstants.LF_FIFO}) {
      byte[] archive = archive(new Item(new TarArchiveEntry("dev", type), null));
      assertThatThrownBy(
              () ->
                  new TarExtractor(1)
                      .extract(new ByteArrayInputStream(archive), tmp.resolve("t" + type)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("only directories, files and symbolic links");
    }
  }

  @Test
  void garbageAndEmptyStreamsAreSaidNotToBeTarArchives() throws Exception {
    byte[] garbage = bytes(new Random(3), 4096);
    assertThatThrownBy(
            () -> new TarExtractor(1).extract(new ByteArrayInputStream(garbage), tmp.resolve("g")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("tar archive");
    assertThatThrownBy(
            () -> new TarExtractor(1).extract(InputStream.nullInputStream(), tmp.resolve("e")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not look like a tar archive");
  }

  @Test
  void checksumsEveryFileWithCrc32c() throws Exception {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    byte[] archive = archive(file("d/f", "hello"), file("g", ""));
    TarExtractor.Result r =
        new TarExtractor(1).extract(new ByteArrayInputStream(archive), tmp.resolve("c"));
    assertThat(r.crc32c()).containsEntry("d/f", (int) crc.getValue()).containsEntry("g", 0);
  }

  @Test
  void anArchivePaddedToALargeRecordIsReadToTheEndOfTheStream() throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes, 1 << 16)) {
      Item f = file("f", "padded");
      out.putArchiveEntry(f.entry());
      out.write(f.data());
      out.closeArchiveEntry();
    }
    assertThat(bytes.size()).isEqualTo(1 << 16);
    ByteArrayInputStream in = new ByteArrayInputStream(bytes.toByteArray());

    new TarExtractor(1).extract(in, tmp.resolve("p"));

    assertThat(in.available()).as("bytes left unread").isZero();
    assertThat(tmp.resolve("p/f")).hasContent("padded");
  }

  @Test
  void hardLinksAreRefused() throws Exception {
    TarArchiveEntry hard = new TarArchiveEntry("b", TarConstants.LF_LINK);
    hard.setLinkName("a");
    byte[] archive = archive(file("a", "x"), new Item(hard, null));

    assertThatThrownBy(
            () -> new TarExtractor(1).extract(new ByteArrayInputStream(archive), tmp.resolve("t")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("only directories, files and symbolic links");
  }

  private record Item(TarArchiveEntry entry, byte[] data) {}

  private static Item file(String name, String content) {
    byte[] data = content.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name, true); // as given: no stripping of "/" or ".."
    e.setSize(data.length);
    return new Item(e, data);
  }

  private static byte[] archive(Item... items) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      for (Item item : items) {
        out.putArchiveEntry(item.entry());
        if (item.data() != null) {
          out.write(item.data());
        }
        out.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] bytes(Random random, int size) {
    byte[] b = new byte[size];
    random.nextBytes(b);
    return b;
  }

  private static void write(Path file, byte[] data, String mode) throws IOException {
    Files.write(file, data);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
  }

  private static void gnuTar(String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = "tar";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }
}
