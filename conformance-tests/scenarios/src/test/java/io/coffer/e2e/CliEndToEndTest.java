package io.coffer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.coffer.control.cli.CofferCli;
import io.coffer.tck.DataPlane;
import io.coffer.tck.Ports;
import io.coffer.tck.Testbed;
import io.coffer.tck.mysql.MysqlProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * The `coffer` CLI against a real control and an agent running a real MariaDB, as a user types it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliEndToEndTest {
  Testbed bed;
  DataPlane data;
  Path work;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  void start() throws Exception {
    MysqlProvider mysql = MysqlProvider.requireMariadb();
    work =
        Files.createTempDirectory(
            "coffer-cli",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    bed = Testbed.start(work);
    int port = Ports.free();
    bed.startAgent(
        bed.agentConfig(
            "cli-db", mysql.pluginsDir(), mysql.datastore(work.resolve("instance"), port)));
    bed.awaitHealthy("cli-db", Duration.ofSeconds(90));
    data = mysql.dataPlane(port);
  }

  @AfterAll
  void stop() {
    bed.close();
  }

  Run coffer(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new CofferCli());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 4];
    all[0] = "--home";
    all[1] = bed.home().root().toString();
    all[2] = "--control";
    all[3] = "127.0.0.1:" + bed.control().apiPort();
    System.arraycopy(args, 0, all, 4, args.length);
    return new Run(cli.execute(all), out.toString(), err.toString());
  }

  @Test
  void createDatabaseAndUserThenConnectAsThatUser() throws Exception {
    assertThat(coffer("instance", "list").out()).contains("cli-db").contains("healthy");
    assertThat(coffer("database", "create", "cli-db", "orders").exit()).isZero();
    Path pw = work.resolve("pw");
    Files.writeString(pw, "Cli-pass-1");
    Run created =
        coffer(
            "user",
            "create",
            "cli-db",
            "bob",
            "--password-file",
            pw.toString(),
            "--database",
            "orders");
    assertThat(created.exit()).as(created.err()).isZero();

    assertThat(data.writeAndRead("bob", "Cli-pass-1", "orders", "via cli")).isEqualTo("via cli");
    assertThat(coffer("--json", "user", "list", "cli-db").out())
        .contains("\"bob\"")
        .contains("orders");
    assertThat(coffer("database", "list", "cli-db").out()).contains("orders");
  }

  @Test
  void badInputIsOneLineAndANonZeroExit() {
    Run bad = coffer("database", "create", "cli-db", "x`; DROP DATABASE mysql; --");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err().strip().lines()).hasSize(1);
    assertThat(bad.err()).contains("INVALID_ARGUMENT").contains("name").doesNotContain("Exception");

    Run unknown = coffer("database", "list", "nope");
    assertThat(unknown.exit()).isEqualTo(3);
    assertThat(unknown.err()).contains("NOT_FOUND");

    Run badTime =
        coffer("restore", "bk-1", "--instance", "cli-db", "--target-time", "yesterday noon");
    assertThat(badTime.exit()).isEqualTo(2);
    assertThat(badTime.err())
        .contains("--target-time")
        .contains("ISO-8601")
        .doesNotContain("Exception");
  }

  @Test
  void archiveFlushReportsTheLastArchivedBinlogFile() {
    Run flushed = coffer("archive", "flush", "cli-db");
    assertThat(flushed.exit()).as(flushed.err()).isZero();
    assertThat(flushed.out())
        .contains("Archived cli-db's log up to mariadb-bin.")
        .contains("archive cli-db");

    Run json = coffer("--json", "archive", "flush", "cli-db", "--wait", "30");
    assertThat(json.exit()).as(json.err()).isZero();
    assertThat(json.out())
        .contains("\"archiveId\": \"cli-db\"")
        .contains("\"file\": \"mariadb-bin.");
  }
}
