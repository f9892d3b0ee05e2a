package io.coffer.plugin.cassandra.backup;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coffer.plugin.cassandra.cql.CqlAdmin;
import io.coffer.plugin.cassandra.cql.CqlNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The schema of the keyspaces in a backup, as Cassandra describes it ({@code DESCRIBE KEYSPACE},
 * server-side since Cassandra 4.0: <a
 * href="https://cassandra.apache.org/doc/5.0/cassandra/managing/tools/cqlsh.html#describe">
 * DESCRIBE</a>): per keyspace, the statements that create it, its types, tables, indexes and views,
 * in order. Stored in the stream as JSON, one string per statement, so that no statement is ever
 * split at a semicolon inside a literal.
 */
record Schema(List<Keyspace> keyspaces) {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Keyspace(String name, List<String> statements) {}

  Schema {
    keyspaces = List.copyOf(keyspaces);
  }

  static Schema describe(CqlAdmin cql, List<String> keyspaces) {
    List<Keyspace> out = new ArrayList<>();
    for (String ks : keyspaces) {
      List<String> statements = new ArrayList<>();
      for (Row row : cql.execute("DESCRIBE KEYSPACE " + CqlNames.quote(ks))) {
        statements.add(row.getString("create_statement"));
      }
      out.add(new Keyspace(ks, statements));
    }
    return new Schema(out);
  }

  String toJson() throws IOException {
    return JSON.writeValueAsString(keyspaces);
  }

  static Schema fromJson(String json) throws IOException {
    return new Schema(JSON.readValue(json, new TypeReference<List<Keyspace>>() {}));
  }
}
